package io.emprops.localstack;

import io.emprops.localstack.infra.DevTokenIssuer;
import io.emprops.localstack.infra.Infrastructure;
import io.emprops.localstack.infra.KafkaServer;
import io.emprops.localstack.infra.ObjectStoreServer;
import io.emprops.localstack.infra.StackLayout;
import io.emprops.localstack.launcher.StackLauncher;
import io.emprops.localstack.launcher.StackOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code local-stack-exec.jar}, which `./run` calls.
 *
 * <ul>
 *   <li>{@code up [options]} — start the infrastructure and every application, print the URLs
 *       and a dev token, run until SIGTERM/Ctrl-C, then stop everything by PID.
 *   <li>{@code token [user] [roles] [--data-dir DIR]} — print a token the local gateway accepts.
 * </ul>
 */
public final class LocalStack {

  private LocalStack() {}

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "local-stack-logback.xml");
    }
    List<String> list = Arrays.asList(args);
    String command = list.isEmpty() ? "up" : list.getFirst();
    List<String> rest = list.isEmpty() ? List.of() : list.subList(1, list.size());
    try {
      switch (command) {
        case "up" -> System.exit(new StackLauncher(StackOptions.parse(rest)).run());
        case "token" -> printToken(rest);
        case "serve" -> serve(rest);
        case "help", "--help", "-h" -> System.out.print(StackOptions.USAGE);
        default -> {
          if (command.startsWith("--")) {
            System.exit(new StackLauncher(StackOptions.parse(list)).run());
          }
          throw new IllegalArgumentException("unknown command " + command);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("local-stack: " + e.getMessage());
      System.err.print(StackOptions.USAGE);
      System.exit(2);
    }
  }

  /**
   * {@code serve kafka PORT CONTROLLER_PORT LOG_DIR} or {@code serve s3 PORT DIRECTORY BUCKET}: one
   * server in this JVM until SIGTERM (the launcher runs Kafka and the object store so, see
   * {@code ServerJvm}).
   */
  private static void serve(List<String> args) {
    if (args.size() != 4) {
      throw new IllegalArgumentException("serve kafka PORT CONTROLLER_PORT LOG_DIR | serve s3 PORT DIRECTORY BUCKET");
    }
    int port = Integer.parseInt(args.get(1));
    AutoCloseable server = switch (args.getFirst()) {
      case "kafka" -> KafkaServer.start(port, Integer.parseInt(args.get(2)), Path.of(args.get(3)));
      case "s3" -> ObjectStoreServer.start(port, Path.of(args.get(2)),
          System.getenv(ObjectStoreServer.ACCESS_KEY_VARIABLE), System.getenv(ObjectStoreServer.SECRET_KEY_VARIABLE),
          args.get(3));
      default -> throw new IllegalArgumentException("nothing to serve named " + args.getFirst());
    };
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("local-stack serve: " + e);
      }
    }, "serve-stop"));
    System.out.println("local-stack: serving " + args.getFirst() + " on port " + port);
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void printToken(List<String> args) {
    Path data = StackOptions.dataDirectoryFromEnvironment();
    if (data == null) {
      data = Path.of(".local").toAbsolutePath();
    }
    List<String> positional = new java.util.ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--data-dir") && i + 1 < args.size()) {
        data = Path.of(args.get(++i)).toAbsolutePath();
      } else if (args.get(i).startsWith("-")) {
        // A user named "--help" would be minted a token otherwise.
        System.err.println("usage: ./run token [USER] [ROLE,ROLE…] [--data-dir DIR]"
            + " (USER and roles must not start with '-')");
        System.exit(2);
      } else {
        positional.add(args.get(i));
      }
    }
    String user = positional.isEmpty() ? StackLauncher.DEV_USER : positional.get(0);
    List<String> roles = positional.size() < 2 ? List.of("user")
        : Arrays.stream(positional.get(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    StackLayout layout = StackLayout.fromBase(StackLayout.DEFAULT_PORT_BASE, java.util.Map.of(), data,
        StackLayout.defaultCacheDirectory(), true, false);
    System.out.println(DevTokenIssuer.mint(Infrastructure.issuerKeyFile(layout), user, roles,
        Duration.ofHours(12)));
  }
}

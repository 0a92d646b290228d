package io.emprops.localstack.launcher;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** The applications of the suite, as the launcher starts them. */
public enum App {
  GATEWAY("gateway", null),
  COLLECTIONS("collections-service", "collections"),
  CREDITS("credits-service", "credits"),
  GENERATOR("generator-service", "generator"),
  PUBLISHING("publishing-service", "publishing"),
  STORAGE("storage-service", "storage"),
  WEBHOOKS("webhooks-service", "webhooks");

  private final String module;
  private final String schema;

  App(String module, String schema) {
    this.module = module;
    this.schema = schema;
  }

  /** The Maven module, the jar's name and the port's name in {@code StackLayout}. */
  public String module() {
    return module;
  }

  /** The Postgres schema it owns; empty for the gateway. */
  public Optional<String> schema() {
    return Optional.ofNullable(schema);
  }

  /** The route key the gateway knows it by ({@code collections}, …). */
  public String shortName() {
    return schema == null ? module : schema;
  }

  public Path jar(Path root) {
    return root.resolve(module).resolve("target").resolve(module + ".jar");
  }

  public static Optional<App> byName(String name) {
    return Arrays.stream(values())
        .filter(a -> a.module.equals(name) || a.shortName().equals(name))
        .findFirst();
  }
}

package io.emprops.localstack.infra;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Servers that come as npm packages (anvil, Azurite), installed on first use into a cache folder. */
final class NpmPackages {

  private NpmPackages() {}

  /**
   * {@code executable} after {@code npm install <spec>} into {@code prefix}, skipped when it is
   * there already. Test JVMs of modules built in parallel share the cache folder, so the install
   * runs under a file lock (and a JVM-wide one: a file lock is held per process).
   *
   * @return empty, with the reason in {@code whyNot}, when npm is missing or the install fails
   */
  static synchronized Optional<Path> install(Path prefix, String spec, Path executable, StringBuilder whyNot) {
    try {
      Files.createDirectories(prefix);
      try (FileChannel lockFile = FileChannel.open(prefix.resolve(".install.lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.lock()) {
        // Checked under the lock: another JVM may be halfway through installing it.
        return Files.isExecutable(executable) ? Optional.of(executable) : runNpm(prefix, spec, executable, whyNot);
      }
    } catch (IOException e) {
      whyNot.append("cannot install ").append(spec).append(" into ").append(prefix).append(" (").append(e.getMessage()).append(")");
      return Optional.empty();
    }
  }

  private static Optional<Path> runNpm(Path prefix, String spec, Path executable, StringBuilder whyNot) {
    try {
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
          "--prefix", prefix.toString(), spec)
          .redirectErrorStream(true)
          .redirectOutput(prefix.resolve("npm-install.log").toFile())
          .start();
      if (!npm.waitFor(5, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        whyNot.append("npm install ").append(spec).append(" timed out");
        return Optional.empty();
      }
      if (npm.exitValue() != 0 || !Files.isExecutable(executable)) {
        whyNot.append("npm install ").append(spec).append(" failed (see ")
            .append(prefix.resolve("npm-install.log")).append(")");
        return Optional.empty();
      }
      return Optional.of(executable);
    } catch (IOException e) {
      whyNot.append("npm is not installed (").append(e.getMessage()).append(")");
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      whyNot.append("interrupted while installing ").append(spec);
      return Optional.empty();
    }
  }
}

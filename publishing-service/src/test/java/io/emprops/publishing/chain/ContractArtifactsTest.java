package io.emprops.publishing.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed ABI, bytecode and web3j wrapper are exactly what contracts/build.sh makes from
 * the committed source with the pinned compiler: nobody edited an artifact by hand, and nobody
 * changed the source without rebuilding them. Needs npm (as the local chain does).
 */
class ContractArtifactsTest {

  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final List<String> ARTIFACTS = List.of(
      "src/main/resources/contracts/EmPropsCollection.abi",
      "src/main/resources/contracts/EmPropsCollection.bin",
      "src/main/java/io/emprops/publishing/chain/contract/EmPropsCollection.java");

  @Test
  void committedArtifactsMatchAFreshCompileOfTheSource(@TempDir Path out) throws Exception {
    Path log = out.resolve("build.log");
    Process build = new ProcessBuilder("bash", MODULE.resolve("contracts/build.sh").toString(), "--out",
        out.resolve("fresh").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(build.waitFor(10, TimeUnit.MINUTES)).as("build.sh finishes").isTrue();
    assertThat(build.exitValue()).as("build.sh: %s", Files.readString(log)).isZero();

    for (String artifact : ARTIFACTS) {
      assertThat(Files.readString(out.resolve("fresh").resolve(artifact)))
          .as("%s as contracts/build.sh makes it (run it and commit the result)", artifact)
          .isEqualTo(Files.readString(MODULE.resolve(artifact)));
    }
  }
}

package io.emprops.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sustained run's memory figures read what the JVMs print, and no reading means no verdict. */
class ResourceWatchTest {

  /** {@code jcmd <pid> GC.heap_info} of a JDK 25 JVM with -XX:+UseSerialGC, as the local stack runs them. */
  private static final String SERIAL = """
      16179:
      DefNew     total 98304K, used 28200K [0x00000000ec000000, 0x00000000f2aa0000, 0x00000000f2aa0000)
       eden space 87424K,  32% used [0x00000000ec000000, 0x00000000edb8a108, 0x00000000f1560000)
       from space 10880K,   0% used [0x00000000f1560000, 0x00000000f1560000, 0x00000000f2000000)
       to   space 10880K,   0% used [0x00000000f2000000, 0x00000000f2000000, 0x00000000f2aa0000)
      Tenured    total 218496K, used 1166K [0x00000000f2aa0000, 0x0000000100000000, 0x0000000100000000)
       the  space 218496K,   0% used [0x00000000f2aa0000, 0x00000000f2bc3ab8, 0x0000000100000000)
       Metaspace       used 61234K, committed 61888K, reserved 1114112K
      """;
  /** The same of a JDK 25 JVM with G1 (the launcher's, which holds Kafka). */
  private static final String G1 = """
      18743:
      garbage-first heap   total reserved 6172672K, committed 393216K, used 10978K [0x0000000687400000, 0x0000000800000000)
       region size 4096K, 3 young (12288K), 1 survivors (4096K)
       Metaspace       used 48123K, committed 48640K, reserved 1114112K
      """;
  /** G1 as JDK 17 printed it. */
  private static final String G1_JDK17 = """
      4242:
       garbage-first heap   total 262144K, used 51234K [0x00000000f0000000, 0x0000000100000000)
        region size 1024K, 12 young (12288K), 2 survivors (2048K)
      """;

  @Test
  void theHeapInUseIsTheSumOfTheHeapSpacesNotMetaspace() {
    assertThat(ResourceWatch.heapUsedKb(SERIAL)).isEqualTo(28_200 + 1_166);
    assertThat(ResourceWatch.heapUsedKb(G1)).isEqualTo(10_978);
    assertThat(ResourceWatch.heapUsedKb(G1_JDK17)).isEqualTo(51_234);
    assertThat(ResourceWatch.heapUsedKb("4242:\nUnable to open socket file: target process not responding")).isEqualTo(-1);
  }

  @Test
  void growthIsComparedOnlyWhenEveryJvmWasReadAtBothEndsWithoutARestart() {
    Map<String, ResourceWatch.Memory> start = Map.of(
        "gateway", new ResourceWatch.Memory("gateway", 10, 200_000, 100_000),
        "redis", new ResourceWatch.Memory("redis", 11, 7_000, -1));
    assertThat(ResourceWatch.worstHeapGrowth(start, Map.of(
        "gateway", new ResourceWatch.Memory("gateway", 10, 210_000, 104_000),
        "redis", new ResourceWatch.Memory("redis", 11, 19_000, -1)))).hasValueCloseTo(4.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(ResourceWatch.worstHeapGrowth(start, Map.of(
        "gateway", new ResourceWatch.Memory("gateway", 10, 210_000, -1)))).as("unread at the end").isEmpty();
    assertThat(ResourceWatch.worstHeapGrowth(start, Map.of(
        "gateway", new ResourceWatch.Memory("gateway", 12, 210_000, 90_000)))).as("restarted").isEmpty();
  }
}

package io.emprops.storage.domain.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Types come from the bytes; names and declared types only refine them. */
class ContentSnifferTest {

  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R'};

  private final ContentSniffer sniffer = new ContentSniffer();
  private final MediaTypePolicy uploads = new MediaTypePolicy(
      List.of("image/*", "video/*", "audio/*", "model/*"), List.of("image/svg+xml"));

  @Test
  void aPngNamedExeIsAPng() throws IOException {
    assertThat(type(PNG, "setup.exe", null)).isEqualTo("image/png");
    assertThat(type(PNG, "setup.exe", "application/x-msdownload")).isEqualTo("image/png");
  }

  @Test
  void htmlNamedPngIsHtmlAndRefused() throws IOException {
    String type = type(ascii("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), "cat.png", "image/png");
    assertThat(type).isEqualTo("text/html");
    assertThat(uploads.accepts(type)).isFalse();
  }

  @Test
  void svgIsAnImageThatIsRefusedForItsScripts() throws IOException {
    String type = type(ascii("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"), "logo.svg", null);
    assertThat(type).isEqualTo("image/svg+xml");
    assertThat(uploads.accepts(type)).isFalse();
  }

  @Test
  void aNameOrDeclaredTypeRefinesGenericBytes() throws IOException {
    assertThat(type(ascii("{\"a\": 1}"), null, "application/json")).isEqualTo("application/json");
    assertThat(type(ascii("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"), "triangle.obj", null)).isEqualTo("model/obj");
    assertThat(type(ascii("plain words"), null, null)).isEqualTo("text/plain");
    assertThat(type(ascii("plain words"), "notes.png", null)).as("a name cannot contradict").isEqualTo("text/plain");
  }

  @Test
  void threeDimensionalModelsAreRecognised() throws IOException {
    byte[] glb = {'g', 'l', 'T', 'F', 2, 0, 0, 0, 12, 0, 0, 0};
    assertThat(type(glb, "scene.bin", null)).isEqualTo("model/gltf-binary");
    assertThat(type(ascii("solid cube\n facet normal 0 0 1\n  outer loop\n"), "cube.stl", null)).startsWith("model/");
    assertThat(uploads.accepts(type(glb, null, null))).isTrue();
  }

  @Test
  void theWholeContentIsReadAfterSniffing() throws IOException {
    byte[] content = new byte[200_000];
    System.arraycopy(PNG, 0, content, 0, PNG.length);
    ContentSniffer.Sniffed sniffed = sniffer.sniff(new ByteArrayInputStream(content), null, null);
    assertThat(sniffed.content().readAllBytes()).isEqualTo(content);
  }

  @Test
  void extensionsFollowTheType() {
    assertThat(sniffer.extensionOf("image/png")).isEqualTo(".png");
    assertThat(sniffer.extensionOf("image/jpeg")).isEqualTo(".jpg");
    assertThat(sniffer.hasExtensionOf("Photo.JPEG", "image/jpeg")).isTrue();
    assertThat(sniffer.hasExtensionOf("setup.exe", "image/png")).isFalse();
  }

  @Test
  void thePolicyTakesFamiliesAndRefusalsWin() {
    assertThat(uploads.accepts("image/png")).isTrue();
    assertThat(uploads.accepts("Video/MP4")).isTrue();
    assertThat(uploads.accepts("model/gltf-binary")).isTrue();
    assertThat(uploads.accepts("application/pdf")).isFalse();
    assertThat(uploads.accepts("imagex/png")).isFalse();
  }

  private String type(byte[] content, String name, String declared) throws IOException {
    return sniffer.sniff(new ByteArrayInputStream(content), name, declared).mediaType();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}

package io.emprops.storage.domain.content;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Locale;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.HttpHeaders;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;
import org.apache.tika.mime.MimeTypesFactory;
import org.apache.tika.parser.ParseContext;
import org.springframework.stereotype.Component;

/**
 * Tells what content is from its first bytes (Apache Tika's magic-byte detection), never from what
 * a client claims. A file name or a declared type can only refine what the bytes say — a text file
 * named {@code .obj} is a {@code model/obj}, JSON declared as such is {@code application/json} —
 * never contradict it: a PNG named {@code .exe} is a PNG, HTML named {@code .png} is HTML.
 */
@Component
public class ContentSniffer {

  private final MimeTypes types = registry();
  /** How much of the content the magic patterns can look at. */
  private final int window = types.getMinLength();

  /**
   * Reads the beginning of {@code content} and names its type.
   *
   * @param fileName the name the content came with, or null
   * @param declaredType the type the content was declared with, or null
   * @return the type and the whole content, its beginning included
   */
  public Sniffed sniff(InputStream content, String fileName, String declaredType) throws IOException {
    byte[] head = content.readNBytes(window);
    Metadata hints = new Metadata();
    if (fileName != null && !fileName.isBlank()) {
      hints.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
    }
    if (declaredType != null && !declaredType.isBlank()) {
      hints.set(HttpHeaders.CONTENT_TYPE, declaredType);
    }
    MediaType type;
    try (TikaInputStream probe = TikaInputStream.get(head)) {
      type = types.detect(probe, hints, new ParseContext());
    }
    InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), content);
    return new Sniffed(type.getBaseType().toString(), whole);
  }

  /** Tika's registry plus the 3D model types it lacks (glTF, OBJ: model-mimetypes.xml). */
  private static MimeTypes registry() {
    try (InputStream core = MimeTypes.class.getResourceAsStream("tika-mimetypes.xml");
        InputStream models = ContentSniffer.class.getResourceAsStream("model-mimetypes.xml")) {
      return MimeTypesFactory.create(core, models);
    } catch (IOException | MimeTypeException e) {
      throw new IllegalStateException("cannot read the media type registry", e);
    }
  }

  /** The usual file extension of a type, with its dot ({@code .png}), or empty when it has none. */
  public String extensionOf(String mediaType) {
    try {
      return types.forName(mediaType).getExtension().toLowerCase(Locale.ROOT);
    } catch (MimeTypeException e) {
      return "";
    }
  }

  /** Whether {@code fileName} ends with one of the type's usual extensions. */
  public boolean hasExtensionOf(String fileName, String mediaType) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    try {
      return types.forName(mediaType).getExtensions().stream().anyMatch(lower::endsWith);
    } catch (MimeTypeException e) {
      return false;
    }
  }

  /**
   * @param mediaType the detected type without parameters ({@code image/png})
   * @param content the whole content, to be read instead of the stream that was sniffed
   */
  public record Sniffed(String mediaType, InputStream content) {}
}

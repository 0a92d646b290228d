package io.emprops.storage.objectstore;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code Content-Disposition} for downloads (RFC 6266), the same for every provider. */
final class ContentDisposition {

  private ContentDisposition() {}

  /** An attachment named {@code fileName}: a plain ASCII name plus the exact one in UTF-8. */
  static String attachment(String fileName) {
    String ascii = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
    String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}

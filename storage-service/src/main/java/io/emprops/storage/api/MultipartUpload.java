package io.emprops.storage.api;

import io.emprops.storage.domain.upload.StagedUpload;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * Reads a {@code multipart/form-data} upload as it arrives, without the servlet container's
 * multipart support (which spools every file to memory or disk first): the {@code file} part is
 * handed to the stager as a stream straight off the connection; the small text fields
 * ({@code collection_id}) may come before or after it.
 */
final class MultipartUpload {

  static final String FILE_PART = "file";
  private static final Set<String> FIELDS = Set.of("collection_id");
  private static final int MAX_FIELD_BYTES = 1024;

  /** Stores the file part as it is read; called once. */
  interface Stager {
    StagedUpload stage(String fileName, InputStream content) throws IOException;
  }

  /** @param staged the stored file, or null when the request had no file part */
  record Parsed(StagedUpload staged, Map<String, String> fields) {}

  private MultipartUpload() {}

  static boolean isMultipart(HttpServletRequest request) {
    return JakartaServletFileUpload.isMultipartContent(request);
  }

  /**
   * Reads the whole request. If it fails after the file was staged, {@code onFailure} receives the
   * staged upload to discard before the failure propagates.
   */
  static Parsed read(HttpServletRequest request, Stager stager, java.util.function.Consumer<StagedUpload> onFailure)
      throws IOException {
    var upload = new JakartaServletFileUpload<DiskFileItem, DiskFileItemFactory>();
    StagedUpload staged = null;
    Map<String, String> fields = new HashMap<>();
    try {
      FileItemInputIterator items = upload.getItemIterator(request);
      while (items.hasNext()) {
        FileItemInput item = items.next();
        String name = item.getFieldName();
        if (FILE_PART.equals(name) && !item.isFormField()) {
          if (staged != null) {
            throw ApiException.invalid(FILE_PART, "send one file per request");
          }
          try (InputStream content = item.getInputStream()) {
            staged = stager.stage(item.getName(), content);
          }
        } else if (FIELDS.contains(name) && item.isFormField()) {
          if (fields.containsKey(name)) {
            throw ApiException.invalid(name, "is given more than once");
          }
          fields.put(name, text(item, name));
        } else {
          throw ApiException.invalid(name == null ? "(unnamed part)" : name,
              "is not a field of an upload (expected a file part named file, optionally collection_id)");
        }
      }
      return new Parsed(staged, fields);
    } catch (FileUploadException e) {
      discard(staged, onFailure);
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Malformed multipart body: " + e.getMessage());
    } catch (IOException | RuntimeException | Error e) {
      discard(staged, onFailure);
      throw e;
    }
  }

  private static void discard(StagedUpload staged, java.util.function.Consumer<StagedUpload> onFailure) {
    if (staged != null) {
      onFailure.accept(staged);
    }
  }

  private static String text(FileItemInput item, String name) throws IOException {
    try (InputStream in = item.getInputStream()) {
      byte[] bytes = in.readNBytes(MAX_FIELD_BYTES + 1);
      if (bytes.length > MAX_FIELD_BYTES) {
        throw ApiException.invalid(name, "is longer than " + MAX_FIELD_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8).strip();
    }
  }
}

package io.emprops.generator.domain.execution;

/** The file name storage-service gives a step's output: {@code step-<id>.<ext>}, {@code step-<id>-<n>.<ext>} for its further files. */
final class OutputFileNames {

  private OutputFileNames() {}

  static String of(int stepId, int ordinal, String mimeType) {
    return "step-" + stepId + (ordinal == 0 ? "" : "-" + ordinal) + "." + extensionOf(mimeType);
  }

  private static String extensionOf(String mimeType) {
    return mimeType == null ? "bin" : switch (mimeType) {
      case "image/png" -> "png";
      case "image/jpeg" -> "jpg";
      case "image/webp" -> "webp";
      case "image/gif" -> "gif";
      case "video/mp4" -> "mp4";
      default -> "bin";
    };
  }
}

package io.emprops.web.testing;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.imageio.ImageIO;

/** Real images, made in the tests of any module (uploads, generation outputs, workers' results). */
public final class Images {

  private Images() {}

  /** A PNG of {@code size}×{@code size} pixels whose colour depends on {@code seed}. */
  public static byte[] png(int size, int seed) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        image.setRGB(x, y, new Color((x * 7 + seed) & 0xff, (y * 3 + seed * 5) & 0xff, (x ^ y ^ seed) & 0xff).getRGB());
      }
    }
    return encode(image);
  }

  /** A PNG of {@code size}×{@code size} pixels of noise drawn from {@code seed}: it does not compress, like a photo. */
  public static byte[] noisePng(int size, long seed) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    java.util.Random random = new java.util.Random(seed);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return encode(image);
  }

  private static byte[] encode(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static boolean isPng(byte[] bytes) {
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    return bytes.length > signature.length && java.util.Arrays.equals(bytes, 0, 8, signature, 0, 8);
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

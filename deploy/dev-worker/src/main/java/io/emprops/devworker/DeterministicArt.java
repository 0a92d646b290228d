package io.emprops.devworker;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Paints a PNG determined entirely by the prompt and the seed: the same request always yields the
 * same bytes, a different one a visibly different picture. Shapes only (no fonts needed headless).
 */
public final class DeterministicArt {

  public static final int MIN_SIZE = 64;
  public static final int MAX_SIZE = 1024;

  private DeterministicArt() {}

  public static byte[] png(String prompt, long seed, int width, int height) {
    int w = clamp(width);
    int h = clamp(height);
    SplittableRandom random = new SplittableRandom(mix(prompt, seed));
    float hue = random.nextInt(360) / 360f;
    Color[] palette = new Color[5];
    for (int i = 0; i < palette.length; i++) {
      palette[i] = Color.getHSBColor((hue + i * 0.13f + (float) random.nextDouble(0.05)) % 1f,
          0.45f + (float) random.nextDouble(0.5), 0.55f + (float) random.nextDouble(0.45));
    }
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, palette[0], w, h, palette[1]));
      g.fillRect(0, 0, w, h);
      int shapes = 12 + random.nextInt(24);
      for (int i = 0; i < shapes; i++) {
        Color c = palette[2 + random.nextInt(3)];
        g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60 + random.nextInt(160)));
        double size = (0.05 + random.nextDouble(0.35)) * Math.min(w, h);
        double x = random.nextDouble(w) - size / 2;
        double y = random.nextDouble(h) - size / 2;
        if (random.nextBoolean()) {
          g.fill(new Ellipse2D.Double(x, y, size, size));
        } else {
          Path2D.Double triangle = new Path2D.Double();
          triangle.moveTo(x + size / 2, y);
          triangle.lineTo(x + size, y + size);
          triangle.lineTo(x, y + size);
          triangle.closePath();
          g.setStroke(new BasicStroke(1 + random.nextInt(4)));
          g.draw(triangle);
        }
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int clamp(int size) {
    return Math.max(MIN_SIZE, Math.min(MAX_SIZE, size));
  }

  private static long mix(String prompt, long seed) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((prompt + "\u0000" + seed).getBytes(StandardCharsets.UTF_8));
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = (value << 8) | (digest[i] & 0xff);
      }
      return value;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

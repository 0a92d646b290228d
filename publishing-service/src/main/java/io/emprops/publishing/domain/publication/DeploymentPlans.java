package io.emprops.publishing.domain.publication;

import io.emprops.publishing.chain.Wei;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;

/** Turns a publish request into a {@link DeploymentPlan}, or says why the collection cannot be deployed. */
final class DeploymentPlans {

  private static final Pattern EVM_ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final BigDecimal BASIS_POINTS_PER_PERCENT = BigDecimal.valueOf(100);
  private static final int MAX_SYMBOL = 10;

  private DeploymentPlans() {}

  /** @throws InvalidCollection naming what is wrong */
  static DeploymentPlan plan(PublishRequest request) {
    if (request.editions() < 1) {
      throw new InvalidCollection("editions must be at least 1 (got " + request.editions() + ")");
    }
    if (request.price() == null) {
      throw new InvalidCollection("price is required");
    }
    BigInteger priceWei = Wei.fromEther(request.price()).orElseThrow(() -> new InvalidCollection(
        "price must be a non-negative amount of ether with at most 18 decimals (got " + request.price().toPlainString() + ")"));
    Map<String, Integer> primary = new LinkedHashMap<>();
    Map<String, Integer> royalties = new LinkedHashMap<>();
    for (PublishRequest.Receiver receiver : request.receivers()) {
      String address = receiver.address() == null ? "" : receiver.address().strip();
      if (!EVM_ADDRESS.matcher(address).matches()) {
        throw new InvalidCollection("receiver " + address + " is not an EVM address");
      }
      int basisPoints = basisPoints(receiver);
      (receiver.royalty() ? royalties : primary).merge(Keys.toChecksumAddress(address), basisPoints, Integer::sum);
    }
    int primaryTotal = primary.values().stream().mapToInt(Integer::intValue).sum();
    if (primaryTotal != 10_000) {
      throw new InvalidCollection("primary receivers must add up to 100% (they add up to "
          + BigDecimal.valueOf(primaryTotal, 2).stripTrailingZeros().toPlainString() + "%)");
    }
    int royaltyTotal = royalties.values().stream().mapToInt(Integer::intValue).sum();
    if (royaltyTotal > 10_000) {
      throw new InvalidCollection("royalties add up to more than 100%");
    }
    long maxPerMint = request.batchMintEnabled() && request.batchMaxTokens() != null && request.batchMaxTokens() > 1
        ? Math.min(request.batchMaxTokens(), request.editions()) : 1;
    String title = request.title() == null || request.title().isBlank() ? "Untitled" : request.title().strip();
    return new DeploymentPlan(title, request.description(), symbol(title), request.editions(), priceWei.toString(),
        maxPerMint, request.coverImageUrl(), shares(primary), shares(royalties), null);
  }

  private static int basisPoints(PublishRequest.Receiver receiver) {
    try {
      int value = receiver.value().multiply(BASIS_POINTS_PER_PERCENT).intValueExact();
      if (value <= 0) {
        throw new InvalidCollection("receiver " + receiver.address() + " has a share of " + receiver.value() + "%");
      }
      return value;
    } catch (ArithmeticException | NullPointerException e) {
      throw new InvalidCollection("receiver " + receiver.address() + ": share must be a percentage with at most 2 decimals");
    }
  }

  private static List<DeploymentPlan.Share> shares(Map<String, Integer> byAddress) {
    List<DeploymentPlan.Share> shares = new ArrayList<>();
    byAddress.forEach((address, points) -> shares.add(new DeploymentPlan.Share(address, points)));
    return shares;
  }

  /** Initials of the title's words, letters and digits only ("Neon Portraits" → NP); EMP when none. */
  static String symbol(String title) {
    StringBuilder symbol = new StringBuilder();
    for (String word : title.split("\\s+")) {
      String clean = word.replaceAll("[^A-Za-z0-9]", "");
      if (!clean.isEmpty() && symbol.length() < MAX_SYMBOL) {
        symbol.append(clean.substring(0, 1).toUpperCase(Locale.ROOT));
      }
    }
    return symbol.isEmpty() ? "EMP" : symbol.toString();
  }

  static final class InvalidCollection extends RuntimeException {
    InvalidCollection(String message) {
      super(message);
    }
  }
}

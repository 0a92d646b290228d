package io.emprops.collections.domain;

import io.emprops.collections.domain.instructions.InstructionSetValidator;
import io.emprops.collections.domain.instructions.InstructionSets;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a collection's owner edits. Every way of writing them (create, partial update, template
 * overrides) goes through the same JSON document ({@link #toDocument()}, {@link #fromDocument}),
 * so one set of rules validates them and errors name the same fields.
 */
public record CollectionFields(
    String title,
    String description,
    ObjectNode data,
    Integer editions,
    BigDecimal price,
    Blockchain blockchain,
    Instant publishDate,
    String coverImageUrl,
    boolean batchMintEnabled,
    Integer batchMaxTokens,
    boolean encryptionEnabled,
    boolean archived) {

  public static final int MAX_TITLE_LENGTH = 200;
  public static final int MAX_DESCRIPTION_LENGTH = 5000;
  public static final int MAX_EDITIONS = 1_000_000;
  public static final int MAX_BATCH_TOKENS = 10_000;
  static final int MAX_URL_LENGTH = 2048;
  static final int PRICE_SCALE = 18;
  static final BigDecimal MAX_PRICE = new BigDecimal("1e20");
  static final Instant EARLIEST_DATE = Instant.EPOCH;
  static final Instant LATEST_DATE = LocalDate.of(10000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

  /** The document's field names, as clients send them. */
  public static final SequencedSet<String> NAMES = new LinkedHashSet<>(List.of(
      "title", "description", "data", "editions", "price", "blockchain", "publish_date",
      "cover_image_url", "batch_mint_enabled", "batch_max_tokens", "encryption_enabled", "archived"));

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A new collection's starting point: an empty v2 instruction set and nothing for sale yet. */
  public static CollectionFields untitled() {
    return new CollectionFields("Untitled", null, InstructionSets.empty(), null, null, null, null, null,
        false, null, false, false);
  }

  public CollectionFields withTitle(String newTitle) {
    return new CollectionFields(newTitle, description, data, editions, price, blockchain, publishDate,
        coverImageUrl, batchMintEnabled, batchMaxTokens, encryptionEnabled, archived);
  }

  public CollectionFields withData(ObjectNode newData) {
    return new CollectionFields(title, description, newData, editions, price, blockchain, publishDate,
        coverImageUrl, batchMintEnabled, batchMaxTokens, encryptionEnabled, archived);
  }

  /** Changes that would make an on-chain collection differ from what was published. */
  public boolean changesWhatWasPublished(CollectionFields next) {
    return !data.equals(next.data) || !Objects.equals(editions, next.editions) || blockchain != next.blockchain;
  }

  public ObjectNode toDocument() {
    ObjectNode document = NODES.objectNode();
    document.put("title", title);
    document.put("description", description);
    document.set("data", data.deepCopy());
    document.put("editions", editions);
    document.put("price", price);
    document.put("blockchain", blockchain == null ? null : blockchain.name());
    document.put("publish_date", publishDate == null ? null : publishDate.toString());
    document.put("cover_image_url", coverImageUrl);
    document.put("batch_mint_enabled", batchMintEnabled);
    document.put("batch_max_tokens", batchMaxTokens);
    document.put("encryption_enabled", encryptionEnabled);
    document.put("archived", archived);
    return document;
  }

  /**
   * This collection with the fields present in {@code patch} replaced (an explicit null clears
   * an optional field), validated.
   *
   * @param dataField how the client calls the instruction set (it is {@code instruction_set} in
   *     POST /api/collections/create)
   */
  public CollectionFields merge(ObjectNode patch, String dataField) {
    Violations violations = new Violations();
    ObjectNode document = toDocument();
    for (var property : patch.properties()) {
      String sent = property.getKey();
      // The instruction set is only known under the client's name for it.
      String name = sent.equals(dataField) ? "data" : sent.equals("data") ? null : sent;
      if ("status".equals(sent)) {
        violations.add(sent, "changes only through publication (POST /collections/{id}/publish)");
      } else if (name == null || !NAMES.contains(name)) {
        violations.add(sent, "is not a field of a collection");
      } else {
        document.set(name, property.getValue());
      }
    }
    violations.throwIfAny();
    return fromDocument(document, dataField);
  }

  /** Reads and validates a whole document; a 400 names every invalid field. */
  public static CollectionFields fromDocument(ObjectNode document, String dataField) {
    Violations violations = new Violations();
    String title = text(document, "title", MAX_TITLE_LENGTH, true, violations);
    if (title != null && title.isBlank()) {
      violations.add("title", "must not be blank");
    }
    String description = text(document, "description", MAX_DESCRIPTION_LENGTH, false, violations);
    JsonNode data = document.path("data");
    InstructionSetValidator.validate(data, dataField, violations);
    Integer editions = integer(document, "editions", MAX_EDITIONS, violations);
    BigDecimal price = price(document, violations);
    Blockchain blockchain = blockchain(document, violations);
    Instant publishDate = instant(document, "publish_date", violations);
    String coverImageUrl = url(document, "cover_image_url", violations);
    boolean batchMintEnabled = flag(document, "batch_mint_enabled", violations);
    Integer batchMaxTokens = integer(document, "batch_max_tokens", MAX_BATCH_TOKENS, violations);
    boolean encryptionEnabled = flag(document, "encryption_enabled", violations);
    boolean archived = flag(document, "archived", violations);
    violations.throwIfAny();
    return new CollectionFields(title.strip(), description, (ObjectNode) data, editions, price, blockchain,
        publishDate, coverImageUrl, batchMintEnabled, batchMaxTokens, encryptionEnabled, archived);
  }

  private static String text(ObjectNode document, String field, int maxLength, boolean required, Violations violations) {
    JsonNode node = document.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        violations.add(field, "is required");
      }
      return null;
    }
    if (!node.isString()) {
      violations.add(field, "must be a string");
      return null;
    }
    if (node.stringValue().length() > maxLength) {
      violations.add(field, "must be at most " + maxLength + " characters");
    }
    return node.stringValue();
  }

  private static Integer integer(ObjectNode document, String field, int max, Violations violations) {
    JsonNode node = document.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1 || node.intValue() > max) {
      violations.add(field, "must be a whole number from 1 to " + max);
      return null;
    }
    return node.intValue();
  }

  private static BigDecimal price(ObjectNode document, Violations violations) {
    JsonNode node = document.get("price");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      violations.add("price", "must be a number");
      return null;
    }
    BigDecimal price = node.decimalValue().stripTrailingZeros();
    if (price.signum() < 0 || price.compareTo(MAX_PRICE) >= 0 || price.scale() > PRICE_SCALE) {
      violations.add("price", "must be at least 0, below 1e20, with at most " + PRICE_SCALE + " decimals");
      return null;
    }
    return price.scale() < 0 ? price.setScale(0) : price;
  }

  private static Blockchain blockchain(ObjectNode document, Violations violations) {
    JsonNode node = document.get("blockchain");
    if (node == null || node.isNull()) {
      return null;
    }
    var blockchain = node.isString() ? Blockchain.fromWire(node.stringValue()) : Optional.<Blockchain>empty();
    if (blockchain.isEmpty()) {
      violations.add("blockchain", "must be one of: " + Blockchain.CHOICES);
    }
    return blockchain.orElse(null);
  }

  private static Instant instant(ObjectNode document, String field, Violations violations) {
    JsonNode node = document.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      if (node.isString()) {
        Instant instant = OffsetDateTime.parse(node.stringValue()).toInstant();
        if (!instant.isBefore(EARLIEST_DATE) && instant.isBefore(LATEST_DATE)) {
          return instant;
        }
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    violations.add(field, "must be an ISO-8601 date-time with offset between the years 1970 and 9999, e.g. 2026-01-31T12:00:00Z");
    return null;
  }

  private static String url(ObjectNode document, String field, Violations violations) {
    String value = text(document, field, MAX_URL_LENGTH, false, violations);
    if (value == null) {
      return null;
    }
    try {
      URI uri = new URI(value);
      if (uri.isAbsolute() && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return value;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    violations.add(field, "must be an absolute http(s) URL");
    return null;
  }

  private static boolean flag(ObjectNode document, String field, Violations violations) {
    JsonNode node = document.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      violations.add(field, "must be true or false");
      return false;
    }
    return node.booleanValue();
  }
}

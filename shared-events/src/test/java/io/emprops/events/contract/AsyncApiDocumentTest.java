package io.emprops.events.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docs/asyncapi.yaml} is exactly what {@link AsyncApiDocument} makes of the contracts, and
 * the golden files fit its schemas: a component added, renamed or retyped without its golden file
 * (or the other way round) fails here. After a deliberate contract change, regenerate with
 * {@code -Demprops.asyncapi.write=true}.
 */
class AsyncApiDocumentTest {

  private static final Path DOCUMENT = Path.of("..").toAbsolutePath().normalize().resolve("docs/asyncapi.yaml");
  private static final Path GOLDEN_FOLDER = Path.of("src/test/resources/golden");
  private static final boolean WRITE = Boolean.getBoolean("emprops.asyncapi.write");

  static Stream<EventDescriptor> contracts() {
    return EventCatalog.all().stream();
  }

  @Test
  void checkedInDocumentIsGeneratedFromTheContracts() throws IOException {
    String expected = AsyncApiDocument.yaml();
    if (WRITE) {
      Files.writeString(DOCUMENT, expected);
    }
    assertThat(DOCUMENT).as("docs/asyncapi.yaml").exists();
    assertThat(Files.readString(DOCUMENT))
        .as("docs/asyncapi.yaml is stale: regenerate with ./mvnw -pl shared-events test"
            + " -Dtest=AsyncApiDocumentTest -Demprops.asyncapi.write=true and review the diff")
        .isEqualTo(expected);
    assertThat((Object) new Yaml().load(expected)).as("the YAML reads back as the document").isEqualTo(AsyncApiDocument.document());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void goldenFileFitsTheMessagePayloadSchema(EventDescriptor contract) {
    Map<String, Object> message = message(contract.type());
    assertThat(SchemaSubsetValidator.violations(AsyncApiDocument.golden(contract.type()), child(message, "payload")))
        .as("golden/%s.json against the payload schema of %s", contract.type(), contract.javaType().getSimpleName())
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void examplesFitTheirMessageSchemas(EventDescriptor contract) {
    Map<String, Object> message = message(contract.type());
    Map<String, Object> example = only(message.get("examples"));
    assertThat(example.get("payload")).as("the example is the golden file").isEqualTo(AsyncApiDocument.golden(contract.type()));
    assertThat(SchemaSubsetValidator.violations(example.get("headers"), child(message, "headers"))).isEmpty();
    assertThat(child(message, "headers").get("required")).as("the Kafka headers the relay adds")
        .isEqualTo(AsyncApiDocument.headerNames());
    Map<String, Object> kafka = child(child(message, "bindings"), "kafka");
    assertThat(SchemaSubsetValidator.violations(
        EventJson.deserialize(AsyncApiDocument.goldenText(contract.type()), contract.javaType()).aggregateId(),
        child(kafka, "key"))).as("the record key").isEmpty();
  }

  @Test
  void everyEventHasExactlyOneMessageOnItsTopicsChannel() {
    Map<String, Object> document = AsyncApiDocument.document();
    assertThat(child(child(document, "components"), "messages").keySet())
        .containsExactlyElementsOf(EventCatalog.all().stream().map(EventDescriptor::type).toList());
    List<String> messagesOnChannels = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      Map<String, Object> channel = child(child(document, "channels"), topic.aggregateType());
      assertThat(channel.get("address")).isEqualTo("{namespace}." + topic.aggregateType());
      for (String type : child(channel, "messages").keySet()) {
        assertThat(EventCatalog.byType(type)).get().extracting(EventDescriptor::topic).isEqualTo(topic);
        messagesOnChannels.add(type);
      }
      Map<String, Object> operation = child(child(document, "operations"), "send" + capitalized(topic.aggregateType()));
      assertThat(operation.get("action")).isEqualTo("send");
      assertThat((List<?>) operation.get("messages")).hasSameSizeAs(child(channel, "messages").keySet());
    }
    assertThat(messagesOnChannels).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(EventCatalog.all().stream().map(EventDescriptor::type).toList());
  }

  @Test
  void everyGoldenFileIsTheExampleOfAMessage() throws IOException {
    List<String> goldenTypes;
    try (Stream<Path> files = Files.list(GOLDEN_FOLDER)) {
      goldenTypes = files.map(file -> file.getFileName().toString().replaceFirst("\\.json$", "")).sorted().toList();
    }
    assertThat(goldenTypes).as("golden files without a contract, or contracts without a golden file")
        .containsExactlyElementsOf(EventCatalog.all().stream().map(EventDescriptor::type).sorted().toList());
  }

  @Test
  void theValidatorCatchesWhatTheGoldenFilesMustNotDo() {
    Map<String, Object> payload = child(message("AssetStored.v1"), "payload");
    Map<String, Object> golden = AsyncApiDocument.golden("AssetStored.v1");

    Map<String, Object> renamed = new LinkedHashMap<>(golden);
    renamed.put("cdn", renamed.remove("cdn_url"));
    assertThat(SchemaSubsetValidator.violations(renamed, payload))
        .containsExactlyInAnyOrder("$: required property 'cdn_url' is missing", "$: property 'cdn' is not in the schema");

    Map<String, Object> retyped = new LinkedHashMap<>(golden);
    retyped.put("size", null);
    retyped.put("asset_id", "not-a-uuid");
    retyped.put("stored_at", "yesterday");
    assertThat(SchemaSubsetValidator.violations(retyped, payload)).hasSize(3);

    Map<String, Object> announced = AsyncApiDocument.golden("ChainSupportAnnounced.v1");
    announced.put("blockchain", "SOLANA");
    assertThat(SchemaSubsetValidator.violations(announced, child(message("ChainSupportAnnounced.v1"), "payload")))
        .singleElement().asString().contains("SOLANA is not one of");
  }

  private static Map<String, Object> message(String type) {
    return child(child(child(AsyncApiDocument.document(), "components"), "messages"), type);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    return (Map<String, Object>) parent.get(key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> only(Object list) {
    assertThat((List<?>) list).hasSize(1);
    return (Map<String, Object>) ((List<?>) list).getFirst();
  }

  private static String capitalized(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }
}

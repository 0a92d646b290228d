package io.emprops.events.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Pins the wire format of every event contract to {@code src/test/resources/golden/<type>.json}.
 * A failing comparison means a change to a published contract: make it additive, or add a new
 * type version. Run with {@code -Dgolden.update=true} to write the files of new contracts.
 */
class EventContractGoldenTest {

  private static final Map<Class<? extends DomainEvent>, DomainEvent> SAMPLES = SampleEvents.all();
  private static final Path SOURCE_FOLDER = Path.of("src/test/resources/golden");

  static Stream<EventDescriptor> contracts() {
    return EventCatalog.all().stream();
  }

  @Test
  void everyContractOfTheCatalogHasASample() {
    assertThat(SAMPLES.keySet())
        .containsExactlyInAnyOrderElementsOf(EventCatalog.all().stream().map(EventDescriptor::javaType).toList());
  }

  @Test
  void typeNamesAreUniqueAndVersioned() {
    assertThat(EventCatalog.all()).extracting(EventDescriptor::type)
        .doesNotHaveDuplicates()
        .allMatch(type -> type.matches("[A-Z][A-Za-z]+\\.v[1-9][0-9]*"));
    assertThat(EventCatalog.byType("GenerationRequested.v1")).get()
        .extracting(EventDescriptor::javaType, EventDescriptor::topic)
        .containsExactly(GenerationRequested.class, Topic.GENERATIONS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void serializesExactlyAsTheGoldenFile(EventDescriptor contract) throws IOException {
    DomainEvent sample = SAMPLES.get(contract.javaType());
    String json = EventJson.serialize(sample);
    String golden = readGolden(contract.type(), json);

    assertThat(EventJson.mapper().readTree(json))
        .as("wire format of %s (golden file %s.json)", contract.type(), contract.type())
        .isEqualTo(EventJson.mapper().readTree(golden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void readsTheGoldenFileBackIntoTheSameEvent(EventDescriptor contract) throws IOException {
    DomainEvent sample = SAMPLES.get(contract.javaType());
    String golden = readGolden(contract.type(), EventJson.serialize(sample));

    assertThat(EventJson.deserialize(golden, contract.javaType())).isEqualTo(sample);
  }

  @Test
  void consumersTolerateFieldsAndEnumValuesAddedLater() {
    JsonNode newer = EventJson.mapper().readTree("""
        {"job_id": "3c9d8e7f-6a5b-4c4d-8e3f-2a1b0c9d8e7f", "user_id": "u", "collection_id": null,
         "amount": 5, "generations": 1, "requested_at": "2026-03-01T10:15:30Z",
         "priority": "high"}""");
    GenerationRequested event = EventJson.deserialize(newer.toString(), GenerationRequested.class);
    assertThat(event.amount()).isEqualTo(5);

    PublicationFailed failed = EventJson.deserialize("""
        {"collection_id": "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "blockchain": "SOLANA",
         "code": "X", "error": "e", "failed_at": "2026-03-01T10:15:30Z"}""", PublicationFailed.class);
    assertThat(failed.blockchain()).isNull();
  }

  @Test
  void fieldsAddedToAContractAreAbsentFromEventsWrittenBefore() {
    // GenerationStepCompleted.v1 as producers wrote it before hash and variables were added.
    GenerationStepCompleted older = EventJson.deserialize("""
        {"job_id": "3c9d8e7f-6a5b-4c4d-8e3f-2a1b0c9d8e7f", "user_id": "u",
         "collection_id": "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f", "generation": 0, "step_id": 1,
         "output_url": "https://workers.emprops.test/out.png", "mime_type": "image/png",
         "file_name": "step-1.png", "completed_at": "2026-03-01T10:15:30Z"}""", GenerationStepCompleted.class);
    assertThat(older.hash()).isNull();
    assertThat(older.variables()).isNull();
    assertThat(older.outputIndex()).isNull();
    assertThat(older.fileIndex()).as("a step's first file").isZero();

    // Before output_index, a step's further files were known by their names only.
    GenerationStepCompleted further = EventJson.deserialize("""
        {"job_id": "3c9d8e7f-6a5b-4c4d-8e3f-2a1b0c9d8e7f", "user_id": "u", "collection_id": null,
         "generation": 0, "step_id": 12, "output_url": "data:image/png;base64,AA==", "mime_type": "image/png",
         "file_name": "step-12-3.png", "completed_at": "2026-03-01T10:15:30Z"}""", GenerationStepCompleted.class);
    assertThat(further.fileIndex()).isEqualTo(3);
    AssetStored stored = EventJson.deserialize("""
        {"asset_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "user_id": "u", "collection_id": null,
         "job_id": "3c9d8e7f-6a5b-4c4d-8e3f-2a1b0c9d8e7f", "generation": 0, "step_id": 1, "url": "s3://b/k",
         "cdn_url": null, "mime_type": "image/png", "size": 1, "sha256": "00", "stored_at": "2026-03-01T10:15:30Z"}""",
        AssetStored.class);
    assertThat(stored.outputIndex()).isNull();
    assertThat(stored.fileIndex()).isZero();
  }

  private static String readGolden(String type, String actual) throws IOException {
    String file = type + ".json";
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(SOURCE_FOLDER);
      Files.writeString(SOURCE_FOLDER.resolve(file),
          EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(EventJson.mapper().readTree(actual)) + "\n");
    }
    try (InputStream in = EventContractGoldenTest.class.getResourceAsStream("/golden/" + file)) {
      if (in == null) {
        return fail("no golden file golden/%s for %s; it would be:%n%s", file, type, actual);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

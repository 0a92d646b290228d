package io.emprops.collections.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.emprops.events.contract.AssetDeleted;
import io.emprops.events.contract.AssetStored;
import io.emprops.events.contract.CollectionCreated;
import io.emprops.events.contract.EventJson;
import io.emprops.events.contract.GenerationStepCompleted;
import io.emprops.web.identity.CallerIdentity;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * POST /projects/collections?asset_id= (API.md, "Collections"): a collection that reproduces the
 * generation an asset came from, known from the generator's GenerationStepCompleted and the storage
 * service's AssetStored, sent to Kafka as their relays send them.
 */
class CollectionsFromAssetsApiTest extends EventConsumingApiTestSupport {

  private static final String INPUTS = "collections.record-generation-input";
  private static final String ASSETS = "collections.record-generated-asset";

  @Test
  void theOwnerOfAnAssetGetsACollectionReproducingItsGeneration() {
    JsonNode source = createCollection(alice, "Harbour", THREE_STEPS);
    Generation generation = new Generation(source, alice, 1, hash('1'), "{\"style\": \"b\", \"subject\": \"a sailor\"}");
    // Generation 0 of the same job ran with other values: the asset's own generation is the one copied.
    new Generation(source, alice, 0, hash('0'), "{\"style\": \"a\", \"subject\": \"a fisher\"}", generation.jobId)
        .delivered();
    UUID assetId = generation.delivered();

    try (CollectionsTopic topic = new CollectionsTopic(environment.getProperty("spring.kafka.bootstrap-servers"))) {
      JsonNode copy = data(post("/projects/collections?asset_id=" + assetId, alice, ""), 201);
      assertThat(copy.get("title").asString()).isEqualTo("From Harbour");
      assertThat(copy.get("user_id").asString()).isEqualTo(alice.userId().orElseThrow());
      assertThat(copy.get("status").asString()).isEqualTo("draft");
      assertThat(copy.get("forked_from_id").asString()).isEqualTo(source.get("id").asString());

      JsonNode data = copy.get("data");
      assertThat(data.get("generations")).isEqualTo(JSON.readTree(
          "{\"generations\": 1, \"hashes\": [\"" + hash('1') + "\"], \"use_custom_hashes\": true}"));
      assertThat(data.at("/variables/0/value")).isEqualTo(JSON.readTree(
          "{\"display_names\": [\"B\"], \"values\": [\"b\"], \"weights\": [1]}"));
      assertThat(data.at("/variables/1/value").asString()).isEqualTo("a sailor");

      // New component ids, the old ones kept as fromId, every $ref following its step.
      List<Long> sourceIds = stepIds(source.get("data"));
      List<Long> copyIds = stepIds(data);
      assertThat(copyIds).doesNotContainAnyElementsOf(sourceIds);
      assertThat(data.get("steps").findValues("fromId")).extracting(JsonNode::longValue)
          .containsExactlyElementsOf(sourceIds);
      assertThat(data.at("/steps/1/nodePayload/image/$ref").longValue()).isEqualTo(copyIds.get(0));
      assertThat(data.at("/steps/1/nodePayload/options/layers/1/mask/$ref").longValue()).isEqualTo(copyIds.get(0));
      assertThat(data.at("/steps/2/nodePayload/inputs/1/0/$ref").longValue()).isEqualTo(copyIds.get(1));
      assertThat(data(get("/collections/" + source.get("id").asString(), alice), 200).get("data"))
          .as("the source is untouched").isEqualTo(source.get("data"));

      // Like any collection, it is announced through the outbox.
      UUID copyId = UUID.fromString(copy.get("id").asString());
      var created = await().atMost(HANDLED).until(() -> topic.recordsOf(copyId), records -> !records.isEmpty());
      assertThat(CollectionsTopic.eventType(created.getFirst())).isEqualTo("CollectionCreated.v1");
      assertThat(EventJson.deserialize(created.getFirst().value(), CollectionCreated.class).collection().data())
          .isEqualTo(data);
    }

    // Fields in the body win, as when creating any collection, and the project can be chosen.
    String projectId = data(post("/projects", alice, "{\"name\": \"Reruns\"}"), 201).get("id").asString();
    JsonNode titled = data(post("/projects/collections?asset_id=" + assetId + "&project_id=" + projectId, alice,
        "{\"title\": \"Sailor again\", \"editions\": 5}"), 201);
    assertThat(titled.get("title").asString()).isEqualTo("Sailor again");
    assertThat(titled.get("editions").intValue()).isEqualTo(5);
    assertThat(titled.get("project_id").asString()).isEqualTo(projectId);
    assertThat(titled.at("/data/generations/hashes/0").asString()).isEqualTo(hash('1'));
    assertThat(invalidFields(post("/projects/collections?asset_id=" + assetId, alice, "{\"status\": \"published\"}")))
        .containsExactly("status");
  }

  @Test
  void othersGetOneOnlyFromACollectionOpenForRemixingAndOtherwiseLearnNothing() {
    JsonNode source = createCollection(alice, "Private", THREE_STEPS);
    UUID assetId = new Generation(source, alice, 0, hash('2'), "{\"style\": \"a\", \"subject\": \"a cat\"}").delivered();

    JsonNode hidden = failure(post("/projects/collections?asset_id=" + assetId, bob, ""), 404, "NOT_FOUND");
    JsonNode unknown = failure(post("/projects/collections?asset_id=" + UUID.randomUUID(), bob, ""), 404, "NOT_FOUND");
    assertThat(hidden.get("error")).as("a private asset looks exactly like an unknown one").isEqualTo(unknown.get("error"));

    data(put("/collections/" + source.get("id").asString() + "/preview", alice,
        "{\"enabled\": true, \"is_remixable\": false}"), 200);
    failure(post("/projects/collections?asset_id=" + assetId, bob, ""), 404, "NOT_FOUND");

    data(put("/collections/" + source.get("id").asString() + "/preview", alice,
        "{\"enabled\": true, \"is_remixable\": true}"), 200);
    JsonNode copy = data(post("/projects/collections?asset_id=" + assetId, bob, ""), 201);
    assertThat(copy.get("user_id").asString()).isEqualTo(bob.userId().orElseThrow());
    assertThat(copy.at("/data/variables/1/value").asString()).isEqualTo("a cat");
    assertThat(copy.at("/data/generations/hashes/0").asString()).isEqualTo(hash('2'));

    // Archived, it is no longer open to others; its owner's asset still is.
    assertThat(put(collectionPath(source), alice, "{\"archived\": true}").statusCode()).isEqualTo(204);
    failure(post("/projects/collections?asset_id=" + assetId, bob, ""), 404, "NOT_FOUND");
    data(post("/projects/collections?asset_id=" + assetId, alice, ""), 201);
  }

  @Test
  void uploadsUnknownAndDeletedAssetsAre404sAndAMissingInputIsA409UntilItArrives() {
    JsonNode source = createCollection(alice, "Pending", THREE_STEPS);
    String owner = alice.userId().orElseThrow();
    UUID sourceId = UUID.fromString(source.get("id").asString());

    AssetStored upload = new AssetStored(UUID.randomUUID(), owner, sourceId, null, null, null,
        "s3://emprops/uploads/cover.png", "https://cdn.example/cover.png", "image/png", 2048, "00", Instant.now());
    awaitHandled("collections.record-sample-image", sender.send(upload));
    JsonNode notGenerated = failure(post("/projects/collections?asset_id=" + upload.assetId(), alice, ""), 404, "NOT_FOUND");
    assertThat(notGenerated.get("error").asString()).contains("uploads have no generation input");
    failure(post("/projects/collections?asset_id=" + UUID.randomUUID(), alice, ""), 404, "NOT_FOUND");
    assertThat(invalidFields(post("/projects/collections?asset_id=not-a-uuid", alice, ""))).containsExactly("asset_id");

    // The asset is known before its generation's input (another topic): its owner is told to retry,
    // anyone else still learns nothing.
    Generation generation = new Generation(source, alice, 0, hash('3'), "{\"style\": \"b\", \"subject\": \"a dog\"}");
    awaitHandled(ASSETS, sender.send(generation.stored()));
    JsonNode notYet = failure(post("/projects/collections?asset_id=" + generation.assetId, alice, ""), 409, "CONFLICT");
    assertThat(notYet.get("error").asString()).contains("retry shortly");
    failure(post("/projects/collections?asset_id=" + generation.assetId, bob, ""), 404, "NOT_FOUND");
    awaitHandled(INPUTS, sender.send(generation.stepCompleted(1001)));
    assertThat(data(post("/projects/collections?asset_id=" + generation.assetId, alice, ""), 201)
        .at("/data/variables/1/value").asString()).isEqualTo("a dog");

    awaitHandled("collections.forget-generated-asset",
        sender.send(new AssetDeleted(generation.assetId, owner, sourceId, Instant.now())));
    failure(post("/projects/collections?asset_id=" + generation.assetId, alice, ""), 404, "NOT_FOUND");

    // A caller may have run the generation with a custom hash shorter than a collection can hold.
    UUID shortHash = new Generation(source, alice, 0, "abcdef12", "{}").delivered();
    HttpResponse<String> unfit = post("/projects/collections?asset_id=" + shortHash, alice, "");
    assertThat(invalidFields(unfit)).containsExactly("asset_id");
    assertThat(body(unfit).at("/details/0/message").asString()).contains("abcdef12");
  }

  @Test
  void redeliveriesAndEveryStepOfAGenerationRecordItOnce() {
    JsonNode source = createCollection(alice, "Twice", THREE_STEPS);
    Generation generation = new Generation(source, alice, 0, hash('4'), "{\"style\": \"a\", \"subject\": \"a fox\"}");
    GenerationStepCompleted first = generation.stepCompleted(1001);
    AssetStored stored = generation.stored();
    double inputDuplicates = handled(INPUTS, "duplicate");
    double assetDuplicates = handled(ASSETS, "duplicate");

    UUID firstId = sender.send(first);
    sender.send(first, firstId);
    UUID storedId = sender.send(stored);
    sender.send(stored, storedId);
    // Another image step of the same generation repeats its input.
    UUID secondStep = sender.send(generation.stepCompleted(1003));

    await().atMost(HANDLED).until(() -> handled(INPUTS, "duplicate") >= inputDuplicates + 1
        && handled(ASSETS, "duplicate") >= assetDuplicates + 1 && isHandled(INPUTS, secondStep));
    assertThat(jdbc.sql("SELECT count(*) FROM generation_inputs WHERE job_id = ?").param(generation.jobId)
        .query(Long.class).single()).isEqualTo(1);
    assertThat(jdbc.sql("SELECT count(*) FROM generated_assets WHERE asset_id = ?").param(generation.assetId)
        .query(Long.class).single()).isEqualTo(1);
    assertThat(jdbc.sql("SELECT count(*) FROM inbox WHERE event_id = ? AND consumer_name = ?")
        .param(firstId).param(INPUTS).query(Long.class).single()).isEqualTo(1);
    assertThat(data(post("/projects/collections?asset_id=" + generation.assetId, alice, ""), 201)
        .at("/data/variables/1/value").asString()).isEqualTo("a fox");
  }

  /** One generation of a job on {@code source}, and its output asset, as generator and storage announce them. */
  private final class Generation {
    final UUID jobId;
    final UUID assetId = UUID.randomUUID();
    final String userId;
    final UUID collectionId;
    final int index;
    final String hash;
    final JsonNode variables;
    final int stepId;

    Generation(JsonNode source, CallerIdentity user, int index, String hash, String variables) {
      this(source, user, index, hash, variables, UUID.randomUUID());
    }

    Generation(JsonNode source, CallerIdentity user, int index, String hash, String variables, UUID jobId) {
      this.jobId = jobId;
      this.userId = user.userId().orElseThrow();
      this.collectionId = UUID.fromString(source.get("id").asString());
      this.index = index;
      this.hash = hash;
      this.variables = JSON.readTree(variables);
      this.stepId = (int) (long) stepIds(source.get("data")).getLast();
    }

    GenerationStepCompleted stepCompleted(int step) {
      return new GenerationStepCompleted(jobId, userId, collectionId, index, step,
          "data:image/png;base64,AA==", "image/png", "step-" + step + ".png", Instant.now(), hash, variables);
    }

    AssetStored stored() {
      return new AssetStored(assetId, userId, collectionId, jobId, index, stepId,
          "s3://emprops/generations/" + jobId + "/" + index + ".png", "https://cdn.example/" + assetId + ".png",
          "image/png", 4096, "01", Instant.now());
    }

    /** Sends both events and waits until they were recorded; returns the asset id. */
    UUID delivered() {
      UUID input = sender.send(stepCompleted(stepId));
      UUID asset = sender.send(stored());
      awaitHandled(INPUTS, input);
      awaitHandled(ASSETS, asset);
      return assetId;
    }
  }

  /** A hash as the generator draws them, made of one repeated hex digit. */
  private static String hash(char digit) {
    return "0x" + String.valueOf(digit).repeat(64);
  }

  private void awaitHandled(String consumer, UUID eventId) {
    await().atMost(HANDLED).until(() -> isHandled(consumer, eventId));
  }
}

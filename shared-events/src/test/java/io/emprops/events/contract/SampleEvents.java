package io.emprops.events.contract;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** One fully populated instance of every event contract, as pinned by the golden files. */
public final class SampleEvents {

  static final UUID COLLECTION = UUID.fromString("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
  static final UUID PROJECT = UUID.fromString("0b7e8f90-1a2b-4c3d-9e4f-5a6b7c8d9e0f");
  static final UUID JOB = UUID.fromString("3c9d8e7f-6a5b-4c4d-8e3f-2a1b0c9d8e7f");
  static final UUID ASSET = UUID.fromString("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
  static final UUID GRANT = UUID.fromString("f0e1d2c3-b4a5-4697-8887-766554433221");
  static final String USER = "user-2f6a9c";
  static final Instant CREATED = Instant.parse("2026-03-01T09:00:00Z");
  static final Instant AT = Instant.parse("2026-03-01T10:15:30.123456Z");
  static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  static final String TOKEN_HASH = "0x4d1f0c9b8a7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c";
  static final String BLOCK_HASH = "0x1b4e8a2c7d9f3e5a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a";
  static final String TX = "0x9fc76417374aa880d4449a1f7f31ec597f00b1f6f3dd2d66f4c9c6c445836d8b";

  private SampleEvents() {}

  public static Map<Class<? extends DomainEvent>, DomainEvent> all() {
    CollectionSnapshot snapshot = new CollectionSnapshot(COLLECTION, PROJECT, USER, 7, "Neon Portraits",
        "Portraits in neon light", CollectionStatus.DRAFT, false, instructionSet(), 100,
        new BigDecimal("0.05"), Blockchain.BASE, Instant.parse("2026-04-01T00:00:00Z"),
        "https://cdn.emprops.test/covers/neon.png", true, 10, false, true, true, CREATED, AT);
    return Map.ofEntries(
        Map.entry(CollectionCreated.class, new CollectionCreated(snapshot)),
        Map.entry(CollectionUpdated.class, new CollectionUpdated(snapshot)),
        Map.entry(CollectionArchived.class, new CollectionArchived(COLLECTION, PROJECT, USER, 8, AT)),
        Map.entry(CollectionPublishRequested.class, new CollectionPublishRequested(COLLECTION, PROJECT, USER, 9,
            "Neon Portraits", "Portraits in neon light", Blockchain.BASE, 100, new BigDecimal("0.05"),
            "https://cdn.emprops.test/covers/neon.png", true, 10, false,
            List.of(new Receiver("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", new BigDecimal("90"), "artist"),
                new Receiver("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", new BigDecimal("10"), "platform")),
            AT)),
        Map.entry(CollectionGenerationRequested.class, new CollectionGenerationRequested(COLLECTION, JOB, USER,
            "Neon Portraits", instructionSet(), 100, new BigDecimal("0.05"), Blockchain.BASE, AT)),
        Map.entry(CollectionGenerationRejected.class, new CollectionGenerationRejected(COLLECTION, JOB, USER,
            "title: size must be between 1 and 200", AT)),
        Map.entry(GenerationRequested.class, new GenerationRequested(JOB, USER, COLLECTION, 40, 4, AT)),
        Map.entry(GenerationStarted.class, new GenerationStarted(JOB, USER, COLLECTION, 4, 8, AT)),
        Map.entry(GenerationStepCompleted.class, new GenerationStepCompleted(JOB, USER, COLLECTION, 2, 1,
            "https://workers.emprops.test/out/3c9d/2-1.png", "image/png", "2-1.png", AT,
            "0x9b1d5c7e3f2a4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e",
            EventJson.mapper().readTree("{\"style\": \"b\", \"subject\": \"a lighthouse keeper\"}"), 1)),
        Map.entry(GenerationCompleted.class, new GenerationCompleted(JOB, USER, COLLECTION, 40,
            List.of(new GenerationOutput(0, 1, ASSET, "https://cdn.emprops.test/generations/0-1.png", "image/png")),
            AT)),
        Map.entry(GenerationFailed.class, new GenerationFailed(JOB, USER, COLLECTION, "GENERATION_FAILED",
            "worker reported: CUDA out of memory", 2, 10, AT)),
        Map.entry(GenerationProgressed.class,
            new GenerationProgressed(JOB, USER, COLLECTION, 2, 1, 40, 65, "sampling 12/30", AT)),
        Map.entry(GenerationCancelled.class, new GenerationCancelled(JOB, USER, COLLECTION, 20, AT)),
        Map.entry(CreditsReserved.class, new CreditsReserved(JOB, USER, 40, 60, AT)),
        Map.entry(CreditsReservationRejected.class,
            new CreditsReservationRejected(JOB, USER, 40, 25, "INSUFFICIENT_CREDITS", AT)),
        Map.entry(CreditsCharged.class, new CreditsCharged(JOB, USER, 40, 60, AT)),
        Map.entry(CreditsReleased.class, new CreditsReleased(JOB, USER, 20, 80, AT)),
        Map.entry(CreditsGranted.class, new CreditsGranted(GRANT, USER, 100, 100, "starting grant", AT)),
        Map.entry(AssetStored.class, new AssetStored(ASSET, USER, COLLECTION, JOB, 0, 1,
            "s3://emprops/generations/user-2f6a9c/3c9d8e7f-6a5b-4c4d-8e3f-2a1b0c9d8e7f/0/1/0-1.png",
            "https://cdn.emprops.test/generations/0-1.png", "image/png", 1_048_576,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", AT, 1)),
        Map.entry(AssetDeleted.class, new AssetDeleted(ASSET, USER, COLLECTION, AT)),
        Map.entry(AssetStoreFailed.class, new AssetStoreFailed(JOB, USER, COLLECTION, 2, 1, 1, "step-1-1.png",
            AssetStoreFailed.REFUSED, "host workers.emprops.test is not on the output allow-list", AT)),
        Map.entry(PublicationSubmitted.class,
            new PublicationSubmitted(COLLECTION, Blockchain.BASE, 8453, TX, CONTRACT, AT, USER)),
        Map.entry(PublicationConfirmed.class,
            new PublicationConfirmed(COLLECTION, Blockchain.BASE, 8453, CONTRACT, TX, 19_500_000, 3, AT, USER)),
        Map.entry(PublicationFailed.class, new PublicationFailed(COLLECTION, Blockchain.BASE, 8453L,
            "TX_REVERTED", "execution reverted: receivers must sum to 100", TX, AT, USER)),
        Map.entry(ChainSupportAnnounced.class,
            new ChainSupportAnnounced(Blockchain.BASE, "base-sepolia", 84532L, true, 3, null, AT)),
        Map.entry(TokenMinted.class, new TokenMinted(COLLECTION, USER, Blockchain.BASE, 8453, CONTRACT, 7,
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", TOKEN_HASH, TX, 19_500_042, BLOCK_HASH, AT)),
        Map.entry(TokenReady.class, new TokenReady(COLLECTION, USER, 8453, CONTRACT, 7, TOKEN_HASH,
            TokenMinted.generationJobIdOf(COLLECTION, 7, TOKEN_HASH), ASSET, "https://cdn.emprops.test/generations/0-1.png",
            "https://api.emprops.test/metadata/6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f/7", AT)));
  }

  private static JsonNode instructionSet() {
    return EventJson.mapper().readTree("""
        {"version": "v2",
         "steps": [{"id": 1, "nodeName": "stable-diffusion-xl", "alias": "Main",
                    "nodePayload": {"prompt": "portrait of {{subject}}, {{style}} style", "width": 1024}}],
         "generations": {"generations": 4, "hashes": ["a1", "b2", "c3", "d4"], "use_custom_hashes": false},
         "variables": [{"name": "style", "type": "pick",
                        "value": {"display_names": ["A", "B"], "values": ["a", "b"], "weights": [1, 3]},
                        "lock_value": false, "test_value": "a"}]}
        """);
  }
}

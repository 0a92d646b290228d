package io.emprops.webhooks.domain.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An example {@code data} of each available type: what {@code POST /webhooks/{id}/test} can send, and the docs show. */
public final class EventSamples {

  private static final UUID JOB = UUID.fromString("3c9d8e7f-6a5b-4c4d-8e3f-2a1b0c9d8e7f");
  private static final UUID COLLECTION = UUID.fromString("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f");
  private static final UUID ASSET = UUID.fromString("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
  private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");
  private static final String URL = "https://cdn.emprops.example/generations/3c9d/0/1/0-1.png";
  private static final String TX = "0x9fc76417374aa880d4449a1f7f31ec597f00b1f6f3dd2d66f4c9c6c445836d8b";
  private static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  private static final String MINTER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  private static final String HASH = "0x4d1f0c9b8a7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c";
  private static final UUID TOKEN_JOB = io.emprops.events.contract.TokenMinted.generationJobIdOf(COLLECTION, 7, HASH);

  private EventSamples() {}

  public static Object of(WebhookEventType type) {
    return switch (type) {
      case JOB_STARTED -> new EventPayloads.JobStarted(JOB, COLLECTION, 4, 8, AT);
      case JOB_PROGRESS -> new EventPayloads.JobProgress(JOB, COLLECTION, 0, 1, 40, 25, "sampling 12/30", AT);
      case JOB_COMPLETED -> new EventPayloads.JobCompleted(JOB, COLLECTION, 4,
          List.of(new EventPayloads.JobOutput(0, 1, ASSET, URL, "image/png")), AT);
      case JOB_FAILED -> new EventPayloads.JobFailed(JOB, COLLECTION, "GENERATION_FAILED",
          "The step 1 of generation 0 failed: CUDA out of memory", 1, 2, AT);
      case JOB_CANCELLED -> new EventPayloads.JobCancelled(JOB, COLLECTION, 1, AT);
      case ASSET_STORED -> new EventPayloads.AssetStored(ASSET, COLLECTION, JOB, 0, 1, URL, URL, "image/png",
          1_048_576, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", AT);
      case ASSET_DELETED -> new EventPayloads.AssetDeleted(ASSET, COLLECTION, AT);
      case PUBLICATION_SUBMITTED -> new EventPayloads.PublicationSubmitted(COLLECTION, "BASE", 8453, TX, CONTRACT, AT);
      case PUBLICATION_CONFIRMED -> new EventPayloads.PublicationConfirmed(COLLECTION, "BASE", 8453, CONTRACT, TX,
          19_500_000, 10, AT);
      case PUBLICATION_FAILED -> new EventPayloads.PublicationFailed(COLLECTION, "BASE", 8453L, "FEE_CAP_EXCEEDED",
          "the chain's current fees exceed the configured caps", null, AT);
      case TOKEN_MINTED -> new EventPayloads.TokenMinted(COLLECTION, "BASE", 8453, CONTRACT, 7, MINTER, HASH, TX,
          19_500_120, TOKEN_JOB, AT);
      case TOKEN_READY -> new EventPayloads.TokenReady(COLLECTION, 8453, CONTRACT, 7, HASH, TOKEN_JOB, ASSET, URL,
          "https://api.emprops.example/metadata/" + COLLECTION + "/7", AT);
    };
  }
}

package io.emprops.storage.domain.output;

/**
 * Announces that a generation output will not be stored, so that its job learns it instead of
 * waiting; called inside the transaction that records the output's handling (the messaging adapter
 * writes it to the outbox).
 */
public interface OutputFailureNotifications {

  void notStored(GeneratedOutput output, OutputFailure failure);
}

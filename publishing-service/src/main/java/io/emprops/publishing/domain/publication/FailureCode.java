package io.emprops.publishing.domain.publication;

/** The {@code code} of {@code PublicationFailed}: why publishing gave up, nothing of it able to land later. */
public final class FailureCode {

  /** The collection's blockchain cannot be published by this service (Tezos, for now). */
  public static final String CHAIN_UNSUPPORTED = "CHAIN_UNSUPPORTED";
  /** Its chain is configured but off (no RPC URL, no signer, publishing disabled). */
  public static final String CHAIN_DISABLED = "CHAIN_DISABLED";
  /** The collection cannot become a contract (price, receivers, editions). */
  public static final String INVALID_COLLECTION = "INVALID_COLLECTION";
  /** Current fees or the deployment's cost exceed the chain's caps; nothing was sent. */
  public static final String FEE_CAP_EXCEEDED = "FEE_CAP_EXCEEDED";
  /** The signer cannot pay for the deployment; nothing was sent. */
  public static final String INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS";
  /** The chain says the deployment would revert; nothing was sent. */
  public static final String DEPLOYMENT_WOULD_REVERT = "DEPLOYMENT_WOULD_REVERT";
  /** The deployment was mined and reverted. */
  public static final String TX_REVERTED = "TX_REVERTED";

  private FailureCode() {}
}

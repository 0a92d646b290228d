package io.emprops.publishing.chain;

import java.math.BigInteger;
import org.web3j.crypto.ContractUtils;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/** Signs EIP-1559 transactions with the publishing key; the key never leaves this object. */
public final class TransactionSigner {

  private final Credentials credentials;
  private final String address;

  private TransactionSigner(Credentials credentials) {
    this.credentials = credentials;
    this.address = Keys.toChecksumAddress(credentials.getAddress());
  }

  /** @param privateKey 32 bytes, hex, with or without 0x */
  public static TransactionSigner of(String privateKey) {
    String hex = Numeric.cleanHexPrefix(privateKey.strip());
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("the signer key must be 32 bytes of hex");
    }
    return new TransactionSigner(Credentials.create(hex));
  }

  /** The signer's address, EIP-55 checksummed. */
  public String address() {
    return address;
  }

  /** A contract creation: no recipient, no value, {@code data} = creation code and arguments. */
  public SignedTransaction signDeployment(long chainId, BigInteger nonce, BigInteger gasLimit, String data, Fees fees) {
    RawTransaction transaction = RawTransaction.createTransaction(chainId, nonce, gasLimit, "", BigInteger.ZERO,
        data, fees.maxPriorityFeePerGas(), fees.maxFeePerGas());
    byte[] signed = TransactionEncoder.signMessage(transaction, credentials);
    String contract = Keys.toChecksumAddress(ContractUtils.generateContractAddress(address, nonce));
    return new SignedTransaction(Numeric.toHexString(Hash.sha3(signed)), Numeric.toHexString(signed), address,
        nonce, gasLimit, fees, contract);
  }

  @Override
  public String toString() {
    return "TransactionSigner[" + address + "]";
  }
}

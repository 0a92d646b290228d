package io.emprops.publishing.domain.metadata;

import java.util.List;

/**
 * Collection-level metadata behind the contract's {@code contractURI} (ERC-7572), with the
 * royalty fields marketplaces read ({@code seller_fee_basis_points}, {@code fee_recipient}).
 *
 * @param feeRecipient who receives royalties: the only royalty receiver, the contract itself when
 *     several share them (it splits what it receives), or null without royalties
 * @param collaborators the primary-sale receivers
 */
public record ContractMetadata(
    String name,
    String symbol,
    String description,
    String image,
    String externalLink,
    int sellerFeeBasisPoints,
    String feeRecipient,
    List<String> collaborators) {}

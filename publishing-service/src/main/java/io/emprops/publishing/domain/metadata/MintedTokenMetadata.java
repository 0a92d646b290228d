package io.emprops.publishing.domain.metadata;

import io.emprops.publishing.domain.publication.DeploymentPlan;
import io.emprops.publishing.domain.publication.Publication;
import io.emprops.publishing.domain.publication.PublicationStatus;
import io.emprops.publishing.domain.publication.Publications;
import io.emprops.publishing.domain.token.Token;
import io.emprops.publishing.domain.token.TokenSettings;
import io.emprops.publishing.domain.token.TokenStatus;
import io.emprops.publishing.domain.token.Tokens;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/** The metadata of a published collection's minted tokens. */
@Service
public class MintedTokenMetadata {

  private final Publications publications;
  private final Tokens tokens;
  private final TokenSettings settings;

  public MintedTokenMetadata(Publications publications, Tokens tokens, TokenSettings settings) {
    this.publications = publications;
    this.tokens = tokens;
    this.settings = settings;
  }

  /**
   * @return empty for a token not minted, or minted but not confirmed yet (the follower writes a
   *     token only once its mint is confirmed), or of a collection without a confirmed publication
   */
  public Optional<Result> of(UUID collectionId, long tokenId) {
    Optional<Publication> publication = publications.find(collectionId)
        .filter(p -> p.status() == PublicationStatus.CONFIRMED && p.plan() != null);
    if (publication.isEmpty()) {
      return Optional.empty();
    }
    return tokens.find(collectionId, tokenId)
        .map(token -> new Result(metadata(publication.get(), token), token.status() == TokenStatus.READY));
  }

  private TokenMetadata metadata(Publication publication, Token token) {
    DeploymentPlan plan = publication.plan();
    boolean ready = token.status() == TokenStatus.READY;
    List<TokenMetadata.Attribute> attributes = new ArrayList<>();
    variables(token.variables()).forEach((name, value) -> attributes.add(new TokenMetadata.Attribute(name, value)));
    if (!ready) {
      // Marketplaces show traits: holders see why the image is a placeholder.
      String status = token.status() == TokenStatus.FAILED ? "failed" : "generating";
      attributes.add(new TokenMetadata.Attribute("status", status));
    }
    URI placeholder = settings.placeholderImageUrl();
    String image = ready ? token.imageUrl() : placeholder != null ? placeholder.toString() : plan.coverImageUrl();
    String external = stripSlash(settings.externalBaseUrl()) + "/collections/" + token.collectionId();
    return new TokenMetadata(plan.title() + " #" + token.tokenId(), plan.description(), image, null, external,
        attributes, token.hash(),
        new TokenMetadata.Properties(token.collectionId(), publication.revision(), token.tokenId(), token.chainId(),
            token.contractAddress(), token.hash(), token.generationHash(), token.jobId(), token.variables(),
            token.status().wireName(),
            token.error() == null ? null : token.failureCode() + ": " + token.error()));
  }

  /** The variables as trait values, by name: scalars as they are, anything else as its JSON text. */
  private static Map<String, Object> variables(JsonNode variables) {
    Map<String, Object> traits = new TreeMap<>();
    if (variables == null || !variables.isObject()) {
      return traits;
    }
    for (Map.Entry<String, JsonNode> field : variables.properties()) {
      JsonNode value = field.getValue();
      Object trait;
      if (value.isNull()) {
        continue;
      } else if (value.isString()) {
        trait = value.asString();
      } else if (value.isNumber()) {
        trait = value.numberValue();
      } else if (value.isBoolean()) {
        trait = value.booleanValue();
      } else {
        trait = value.toString();
      }
      traits.put(field.getKey(), trait);
    }
    return traits;
  }

  private static String stripSlash(URI base) {
    return base.toString().replaceAll("/+$", "");
  }

  /** @param fin whether it can no longer change on its own (the token's image is stored) */
  public record Result(TokenMetadata metadata, boolean fin) {}
}

package io.emprops.collections.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.PreviewSettings;
import io.emprops.collections.domain.PublicationState;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A collection as its owner sees it: everything, including the instruction set. {@code version}
 * is also sent as the ETag; send it back in If-Match to update only that version.
 *
 * @param details what anyone may see, its members top-level in JSON
 * @param publication what publishing reported, or null before publication was requested
 */
public record CollectionView(
    @JsonUnwrapped CollectionDetails details,
    UUID projectId,
    String userId,
    boolean archived,
    JsonNode data,
    boolean isCurrent,
    UUID forkedFromId,
    PreviewView preview,
    PublicationState publication,
    long version) {

  static CollectionView of(Collection c, PreviewSettings preview, PublicationState publication) {
    return new CollectionView(CollectionDetails.of(c), c.projectId(), c.userId(), c.fields().archived(),
        c.fields().data(), c.current(), c.forkedFromId(), PreviewView.of(preview), publication, c.version());
  }
}

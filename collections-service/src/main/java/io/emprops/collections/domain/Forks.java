package io.emprops.collections.domain;

import io.emprops.collections.domain.SocialCustody.SocialIdentity;
import io.emprops.collections.domain.instructions.DotPaths;
import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.PreviewRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Remix and templates: copies of a collection whose owner opened it for remixing (preview enabled
 * and remixable). The copy is a new draft, "Fork of <title>", with new component ids; the original
 * is only read. Receivers and preview settings are the original owner's and are not copied.
 */
@Service
@Transactional
public class Forks {

  static final String FORK_TITLE_PREFIX = "Fork of ";

  private final Collections collections;
  private final CollectionRepository collectionRows;
  private final PreviewRepository previews;
  private final Projects projects;
  private final SocialCustody custody;

  public Forks(Collections collections, CollectionRepository collectionRows, PreviewRepository previews,
      Projects projects, SocialCustody custody) {
    this.collections = collections;
    this.collectionRows = collectionRows;
    this.previews = previews;
    this.projects = projects;
    this.custody = custody;
  }

  /**
   * Forks into the caller's project (their default one without {@code projectId}), or custodially
   * for a social identity when one is given.
   */
  public Collection remix(String userId, UUID sourceId, UUID projectId, SocialIdentity socialOwner) {
    Collection source = openForRemix(sourceId, "Collection");
    Project destination = socialOwner != null ? custody.projectFor(socialOwner)
        : projectId != null ? projects.owned(userId, projectId)
        : projects.defaultFor(userId);
    return collections.insert(destination, forkFields(source), source.id());
  }

  /**
   * A custodial fork of a template with overrides applied to the copy, addressed by dot paths into
   * the collection document ({@code title}, {@code data.steps.0.nodePayload.prompt}). Paths refer to
   * the template as it is (its step ids, before the copy's are assigned); a path that does not exist
   * in it is a 400 naming the path.
   */
  public Collection fromTemplate(UUID templateId, SocialIdentity socialOwner, ObjectNode overrides) {
    Collection template = openForRemix(templateId, "Template");
    ObjectNode document = forkFields(template).toDocument();
    Violations violations = new Violations();
    if (overrides != null) {
      for (var override : overrides.properties()) {
        if (!DotPaths.replace(document, override.getKey(), override.getValue())) {
          violations.add("overrides." + override.getKey(), "is not a path in the template (e.g. title or data.steps.0.nodePayload.prompt)");
        }
      }
    }
    violations.throwIfAny();
    CollectionFields fields = CollectionFields.fromDocument(document, "data");
    return collections.insert(custody.projectFor(socialOwner), fields, template.id());
  }

  private Collection openForRemix(UUID sourceId, String what) {
    Collection source = collectionRows.find(sourceId).orElseThrow(() -> ApiException.notFound(what));
    if (source.fields().archived() || !previews.of(sourceId).isOpenForRemix()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED,
          what + " is not open for remixing: its owner has not enabled a remixable preview");
    }
    return source;
  }

  private static CollectionFields forkFields(Collection source) {
    CollectionFields f = source.fields();
    String title = FORK_TITLE_PREFIX + f.title();
    if (title.length() > CollectionFields.MAX_TITLE_LENGTH) {
      title = title.substring(0, CollectionFields.MAX_TITLE_LENGTH);
    }
    return new CollectionFields(title, f.description(), f.data().deepCopy(), f.editions(), f.price(), f.blockchain(),
        f.publishDate(), f.coverImageUrl(), f.batchMintEnabled(), f.batchMaxTokens(), f.encryptionEnabled(), false);
  }
}

package io.emprops.collections.domain;

import io.emprops.collections.domain.SocialCustody.SocialIdentity;
import io.emprops.collections.domain.instructions.DotPaths;
import io.emprops.collections.domain.instructions.InstructionSetValidator;
import io.emprops.collections.domain.instructions.InstructionSets;
import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.PreviewRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ErrorCode;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Remix and templates: copies of a collection whose owner opened it for remixing (preview enabled
 * and remixable). The copy is a new draft, "Fork of <title>", with new component ids; the original
 * is only read. Receivers and preview settings are the original owner's and are not copied.
 * Collections made from an asset copy the instruction set of the collection that generated it.
 */
@Service
@Transactional
public class Forks {

  static final String FORK_TITLE_PREFIX = "Fork of ";
  static final String FROM_ASSET_TITLE_PREFIX = "From ";

  private final Collections collections;
  private final CollectionRepository collectionRows;
  private final PreviewRepository previews;
  private final Projects projects;
  private final SocialCustody custody;
  private final AssetOrigins assetOrigins;

  public Forks(Collections collections, CollectionRepository collectionRows, PreviewRepository previews,
      Projects projects, SocialCustody custody, AssetOrigins assetOrigins) {
    this.collections = collections;
    this.collectionRows = collectionRows;
    this.previews = previews;
    this.projects = projects;
    this.custody = custody;
    this.assetOrigins = assetOrigins;
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

  /**
   * A new collection in the caller's project (their default one without {@code projectId}) that
   * reproduces the generation {@code assetId} is an output of: the instruction set of the collection
   * the job ran, with that generation's hash and variable values
   * ({@link InstructionSets#reproducing}), titled "From <title>". Fields in {@code body} are applied
   * on top, as when creating a collection.
   *
   * <p>The caller must own the asset, or the collection must be open for remixing (what a remix
   * asks of it); for anyone else the asset does not exist. Only then is an asset whose generation
   * input has not arrived yet a 409: the two come on different topics, and the input usually follows
   * within moments.
   */
  public Collection fromAsset(String userId, UUID assetId, UUID projectId, ObjectNode body) {
    GeneratedAsset asset = assetOrigins.asset(assetId).orElseThrow(Forks::noGeneratedAsset);
    Collection source = collectionRows.find(asset.collectionId())
        .filter(c -> asset.isOwnedBy(userId) || isOpenForRemix(c))
        .orElseThrow(Forks::noGeneratedAsset);
    GenerationInput input = assetOrigins.inputOf(asset).orElseThrow(() -> ApiException.conflict(
        "The asset's generation is not known yet: retry shortly"));
    if (!InstructionSetValidator.isHash(input.hash())) {
      // The generator takes shorter custom hashes than a collection can hold; copying would only
      // produce a validation error about data the caller never sent.
      throw ApiException.invalid("asset_id", "the asset's generation used the hash " + input.hash()
          + ", which a collection cannot hold (0x followed by 64 hexadecimal digits)");
    }
    CollectionFields fields = CollectionFields.untitled()
        .withTitle(prefixedTitle(FROM_ASSET_TITLE_PREFIX, source.fields().title()))
        .withData(InstructionSets.reproducing(source.fields().data(), input.hash(), input.variables()))
        // Merging (an empty body too) validates the whole copy, as every create does.
        .merge(body == null ? JsonNodeFactory.instance.objectNode() : body, "data");
    return collections.create(userId, projectId, fields, source.id());
  }

  private static ApiException noGeneratedAsset() {
    return new ApiException(ErrorCode.NOT_FOUND,
        "Generated asset not found: asset_id must name an output of a generation (uploads have no generation input)");
  }

  private Collection openForRemix(UUID sourceId, String what) {
    Collection source = collectionRows.find(sourceId).orElseThrow(() -> ApiException.notFound(what));
    if (!isOpenForRemix(source)) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED,
          what + " is not open for remixing: its owner has not enabled a remixable preview");
    }
    return source;
  }

  /** What a collection must be for others to copy it: not archived, with a remixable preview. */
  private boolean isOpenForRemix(Collection collection) {
    return !collection.fields().archived() && previews.of(collection.id()).isOpenForRemix();
  }

  private static CollectionFields forkFields(Collection source) {
    CollectionFields f = source.fields();
    return new CollectionFields(prefixedTitle(FORK_TITLE_PREFIX, f.title()), f.description(), f.data().deepCopy(),
        f.editions(), f.price(), f.blockchain(), f.publishDate(), f.coverImageUrl(), f.batchMintEnabled(),
        f.batchMaxTokens(), f.encryptionEnabled(), false);
  }

  /** The copy's title: the source's with a prefix, cut to the longest title a collection may have. */
  private static String prefixedTitle(String prefix, String sourceTitle) {
    String title = prefix + sourceTitle;
    return title.length() > CollectionFields.MAX_TITLE_LENGTH ? title.substring(0, CollectionFields.MAX_TITLE_LENGTH) : title;
  }
}

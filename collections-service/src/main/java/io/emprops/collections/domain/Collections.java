package io.emprops.collections.domain;

import io.emprops.collections.domain.instructions.ComponentIds;
import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.ComponentRepository;
import io.emprops.collections.persistence.PreviewRepository;
import io.emprops.collections.persistence.ProjectRepository;
import io.emprops.web.api.ApiException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creating, reading and editing collections. A collection somebody else owns answers 404 unless it
 * is publicly visible, so ids cannot be probed; every change emits its event in its transaction.
 */
@Service
@Transactional
public class Collections {

  private final Projects projects;
  private final ProjectRepository projectRows;
  private final CollectionRepository collections;
  private final ComponentRepository components;
  private final PreviewRepository previews;
  private final CollectionSnapshots snapshots;
  private final CollectionEvents events;

  public Collections(Projects projects, ProjectRepository projectRows, CollectionRepository collections,
      ComponentRepository components, PreviewRepository previews, CollectionSnapshots snapshots,
      CollectionEvents events) {
    this.projects = projects;
    this.projectRows = projectRows;
    this.collections = collections;
    this.components = components;
    this.previews = previews;
    this.snapshots = snapshots;
    this.events = events;
  }

  /** A new collection in the user's project, or in their default project (created if missing). */
  public Collection create(String userId, UUID projectId, CollectionFields fields) {
    return create(userId, projectId, fields, null);
  }

  /** @param forkedFromId the collection the new one was copied from, if any */
  Collection create(String userId, UUID projectId, CollectionFields fields, UUID forkedFromId) {
    Project project = projectId == null ? projects.defaultFor(userId) : projects.owned(userId, projectId);
    return insert(project, fields, forkedFromId);
  }

  /**
   * The generator asked for this collection ({@code POST /api/collections/generate}, a step of the
   * generation saga): it is created with exactly {@code id} in the user's default project, as
   * {@link #create} creates any collection (fresh component ids, {@code CollectionCreated}), unless
   * a collection with that id exists (a redelivered request creates nothing twice). When the fields
   * break a collection's rules, nothing is created and the refusal is announced instead, so the
   * generator fails the job.
   *
   * @param fields collection fields as the create endpoint takes them ({@code title}, {@code data},
   *     {@code editions}, {@code price}, {@code blockchain})
   */
  public GenerationOutcome createForGeneration(UUID id, UUID jobId, String userId, ObjectNode fields) {
    if (collections.find(id).isPresent()) {
      return GenerationOutcome.EXISTED;
    }
    CollectionFields parsed;
    try {
      parsed = CollectionFields.untitled().merge(fields, "data");
    } catch (ApiException refused) {
      events.generationRejected(id, jobId, userId, reasonOf(refused));
      return GenerationOutcome.REJECTED;
    }
    insert(id, projects.defaultFor(userId), parsed, null);
    return GenerationOutcome.CREATED;
  }

  /** What {@link #createForGeneration} did. */
  public enum GenerationOutcome { CREATED, EXISTED, REJECTED }

  private static String reasonOf(ApiException refused) {
    if (refused.details() == null || refused.details().isEmpty()) {
      return refused.getMessage();
    }
    return String.join("; ", refused.details().stream().map(d -> d.field() + ": " + d.message()).toList());
  }

  /**
   * Adds a collection, owned by the project's owner, as the project's current collection. Every
   * step gets a fresh component id (its old one kept as fromId) and references follow.
   */
  Collection insert(Project project, CollectionFields fields, UUID forkedFromId) {
    return insert(UUID.randomUUID(), project, fields, forkedFromId);
  }

  private Collection insert(UUID id, Project project, CollectionFields fields, UUID forkedFromId) {
    projectRows.lock(project.id());
    ObjectNode data = fields.data().deepCopy();
    List<Long> oldIds = ComponentIds.stepIds(data);
    ComponentIds.renumber(data, freshIdsFor(oldIds));
    collections.clearCurrent(project.id());
    collections.insert(id, project.id(), project.userId(), fields.withData(data), forkedFromId);
    components.replaceAll(id, ComponentIds.components(data));
    previews.save(id, PreviewSettings.HIDDEN);
    CollectionSnapshot created = snapshots.of(id);
    events.created(created);
    return collections.find(id).orElseThrow();
  }

  /**
   * A partial update: fields present in {@code patch} are replaced. Steps the collection already
   * has keep their component ids; steps it does not have get new ones.
   *
   * @param expectedVersion the version the client based the change on (If-Match), or null
   */
  public Collection update(String userId, UUID projectId, UUID collectionId, ObjectNode patch, Long expectedVersion) {
    Collection current = ownedInProject(userId, projectId, collectionId);
    long version = Versions.expect(expectedVersion, current.version(), "Collection");
    CollectionFields next = current.fields().merge(patch, "data");
    if (current.status().isPublicationStarted() && current.fields().changesWhatWasPublished(next)) {
      throw ApiException.conflict(
          "The collection is " + current.status().wireName() + ": its data, editions and blockchain can no longer change");
    }
    boolean dataChanged = !current.fields().data().equals(next.data());
    if (dataChanged) {
      ObjectNode data = next.data().deepCopy();
      Set<Long> owned = components.idsOf(collectionId);
      ComponentIds.renumber(data, freshIdsFor(ComponentIds.stepIds(data).stream().filter(id -> !owned.contains(id)).toList()));
      next = next.withData(data);
    }
    if (!collections.update(collectionId, next, version)) {
      throw Versions.changedMeanwhile("Collection");
    }
    if (dataChanged) {
      components.replaceAll(collectionId, ComponentIds.components(next.data()));
    }
    CollectionSnapshot updated = snapshots.of(collectionId);
    if (!current.fields().archived() && next.archived()) {
      events.archived(updated);
    } else {
      events.updated(updated);
    }
    return collections.find(collectionId).orElseThrow();
  }

  public PreviewSettings changePreview(String userId, UUID collectionId, PreviewSettings settings) {
    Collection collection = lockOwned(userId, collectionId);
    previews.save(collectionId, settings);
    collections.touch(collectionId, collection.version());
    events.updated(snapshots.of(collectionId));
    return settings;
  }

  @Transactional(readOnly = true)
  public Collection owned(String userId, UUID collectionId) {
    return collections.find(collectionId).filter(c -> c.isOwnedBy(userId))
        .orElseThrow(() -> ApiException.notFound("Collection"));
  }

  /** The owner's collection, locked until the transaction ends. */
  Collection lockOwned(String userId, UUID collectionId) {
    return collections.lock(collectionId).filter(c -> c.isOwnedBy(userId))
        .orElseThrow(() -> ApiException.notFound("Collection"));
  }

  @Transactional(readOnly = true)
  public Collection ownedInProject(String userId, UUID projectId, UUID collectionId) {
    Collection collection = owned(userId, collectionId);
    if (!collection.projectId().equals(projectId)) {
      throw ApiException.notFound("Collection");
    }
    return collection;
  }

  /** The owner's view, or for anyone else a publicly visible collection; 404 otherwise. */
  @Transactional(readOnly = true)
  public Readable readable(Optional<String> userId, UUID collectionId) {
    Collection collection = collections.find(collectionId).orElseThrow(() -> ApiException.notFound("Collection"));
    if (userId.isPresent() && collection.isOwnedBy(userId.get())) {
      return new Readable(collection, true);
    }
    if (collection.isPubliclyVisible()) {
      return new Readable(collection, false);
    }
    throw ApiException.notFound("Collection");
  }

  @Transactional(readOnly = true)
  public Collection publiclyVisible(UUID collectionId) {
    return collections.find(collectionId).filter(Collection::isPubliclyVisible)
        .orElseThrow(() -> ApiException.notFound("Collection"));
  }

  @Transactional(readOnly = true)
  public Collection current(String userId, UUID projectId) {
    projects.owned(userId, projectId);
    return collections.findCurrent(projectId).orElseThrow(() -> ApiException.notFound("Current collection"));
  }

  @Transactional(readOnly = true)
  public PreviewSettings previewOf(UUID collectionId) {
    return previews.of(collectionId);
  }

  private Map<Long, Long> freshIdsFor(List<Long> oldIds) {
    List<Long> newIds = components.allocateIds(oldIds.size());
    Map<Long, Long> newIdByOldId = new HashMap<>();
    for (int i = 0; i < oldIds.size(); i++) {
      newIdByOldId.put(oldIds.get(i), newIds.get(i));
    }
    return newIdByOldId;
  }

  /** @param byOwner whether the reader owns it (and may see everything) */
  public record Readable(Collection collection, boolean byOwner) {}
}

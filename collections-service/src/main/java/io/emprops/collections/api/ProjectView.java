package io.emprops.collections.api;

import io.emprops.collections.domain.Collection;
import io.emprops.collections.domain.CollectionStatus;
import io.emprops.collections.domain.Project;
import io.emprops.collections.domain.Projects.ProjectWithCollections;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A project as its owner sees it; {@code version} is also its ETag. */
public record ProjectView(
    UUID id, String name, String userId, boolean isDefault, long version, Instant createdAt, Instant updatedAt,
    List<CollectionSummary> collections) {

  static ProjectView of(ProjectWithCollections p) {
    return of(p.project(), p.collections());
  }

  static ProjectView of(Project p, List<Collection> collections) {
    return new ProjectView(p.id(), p.name(), p.userId(), p.isDefault(), p.version(), p.createdAt(), p.updatedAt(),
        collections.stream().map(CollectionSummary::of).toList());
  }

  /** A collection as listed inside its project. */
  public record CollectionSummary(
      UUID id, String title, CollectionStatus status, boolean archived, boolean isCurrent, String coverImageUrl,
      Instant createdAt, Instant updatedAt) {

    static CollectionSummary of(Collection c) {
      return new CollectionSummary(c.id(), c.fields().title(), c.status(), c.fields().archived(), c.current(),
          c.fields().coverImageUrl(), c.createdAt(), c.updatedAt());
    }
  }
}

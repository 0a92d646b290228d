package io.emprops.collections.domain;

import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.PreviewRepository;
import io.emprops.collections.persistence.ProjectRepository;
import io.emprops.collections.persistence.PublicationRepository;
import io.emprops.collections.persistence.SampleImageRepository;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Collections as anyone may see them: published ones, and those held for social identities. */
@Service
@Transactional(readOnly = true)
public class PublicCollections {

  private final Collections collections;
  private final CollectionRepository collectionRows;
  private final ProjectRepository projects;
  private final PreviewRepository previews;
  private final PublicationRepository publications;
  private final SampleImageRepository images;

  public PublicCollections(Collections collections, CollectionRepository collectionRows, ProjectRepository projects,
      PreviewRepository previews, PublicationRepository publications, SampleImageRepository images) {
    this.collections = collections;
    this.collectionRows = collectionRows;
    this.projects = projects;
    this.previews = previews;
    this.publications = publications;
    this.images = images;
  }

  /** Published, not archived, newest first; without their assets and publication details. */
  public List<PublicCollection> publishedPage(int offset, int limit) {
    List<Collection> page = collectionRows.pagePublished(offset, limit);
    List<UUID> ids = page.stream().map(Collection::id).toList();
    Map<UUID, String> projectNames = projects.namesOf(page.stream().map(Collection::projectId).distinct().toList());
    Map<UUID, PreviewSettings> previewById = previews.of(ids);
    return page.stream().map(c -> new PublicCollection(c, projectNames.get(c.projectId()),
        previewById.getOrDefault(c.id(), PreviewSettings.HIDDEN), null, null)).toList();
  }

  public long countPublished() {
    return collectionRows.countPublished();
  }

  /** A publicly visible collection with its generated assets; 404 for any other. */
  public PublicCollection withAssets(UUID collectionId) {
    return of(collections.publiclyVisible(collectionId), true);
  }

  public PublicCollection of(Collection collection, boolean withAssets) {
    return new PublicCollection(collection,
        projects.namesOf(List.of(collection.projectId())).get(collection.projectId()),
        previews.of(collection.id()),
        publications.find(collection.id()).orElse(null),
        withAssets ? images.of(collection.id(), SampleImages.MAX_LISTED) : null);
  }

  /**
   * @param publication null until publication was requested, and in listings
   * @param assets null when not asked for
   */
  public record PublicCollection(
      Collection collection, String projectName, PreviewSettings preview, PublicationState publication,
      List<SampleImage> assets) {}
}

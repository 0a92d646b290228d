package io.emprops.collections.api;

import io.emprops.collections.api.PublicCollectionView.ProjectRef;
import io.emprops.collections.domain.Custody;
import io.emprops.collections.domain.Feed.FeedItem;
import io.emprops.collections.domain.Feed.FeedPage;
import io.emprops.collections.domain.FeedEntry;
import io.emprops.collections.domain.instructions.InstructionSets.PublicVariable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** GET /feed (API.md, "Templates, feed and remix"). */
public record FeedView(List<Item> collections, int totalPages, int currentPage, long totalCollections) {

  /** @param size 0 when every entry is on the one page */
  static FeedView of(FeedPage page, int currentPage, int size) {
    int totalPages = size == 0 ? (page.total() == 0 ? 0 : 1) : (int) ((page.total() + size - 1) / size);
    return new FeedView(page.items().stream().map(Item::of).toList(), totalPages, currentPage, page.total());
  }

  public record Item(
      UUID id,
      String title,
      String description,
      boolean isRemixable,
      String coverImageUrl,
      List<SampleImageView> sampleImages,
      ProjectRef project,
      Custody custody,
      List<PublicVariable> variables,
      Instant createdAt,
      Instant updatedAt) {

    static Item of(FeedItem item) {
      FeedEntry e = item.entry();
      return new Item(e.id(), e.title(), e.description(), e.isRemixable(), e.coverImageUrl(),
          item.sampleImages().stream().map(i -> new SampleImageView(i.url(), i.altText())).toList(),
          new ProjectRef(e.projectName(), e.projectUserId()), e.custody(), item.variables(),
          e.createdAt(), e.updatedAt());
    }
  }

  public record SampleImageView(String url, String altText) {}
}

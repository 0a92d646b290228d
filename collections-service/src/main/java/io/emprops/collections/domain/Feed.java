package io.emprops.collections.domain;

import io.emprops.collections.domain.instructions.InstructionSets;
import io.emprops.collections.domain.instructions.InstructionSets.PublicVariable;
import io.emprops.collections.persistence.FeedRepository;
import io.emprops.collections.persistence.SampleImageRepository;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The public feed of collections whose owners enabled their preview. */
@Service
@Transactional(readOnly = true)
public class Feed {

  /** Sample images shown per collection in the feed. */
  public static final int SAMPLE_IMAGES_PER_ENTRY = 4;

  private final FeedRepository feed;
  private final SampleImageRepository images;

  public Feed(FeedRepository feed, SampleImageRepository images) {
    this.feed = feed;
    this.images = images;
  }

  /**
   * @param after only collections updated after this instant, or null for all
   * @param limit null for every entry
   */
  public FeedPage page(Instant after, int offset, Integer limit) {
    List<FeedEntry> entries = feed.page(after, offset, limit);
    Map<UUID, List<SampleImage>> imagesById = images.newestOf(entries.stream().map(FeedEntry::id).toList(),
        SAMPLE_IMAGES_PER_ENTRY);
    List<FeedItem> items = entries.stream().map(e -> new FeedItem(
        e, imagesById.getOrDefault(e.id(), List.of()), InstructionSets.publicVariables(e.data()))).toList();
    return new FeedPage(items, feed.count(after));
  }

  public record FeedItem(FeedEntry entry, List<SampleImage> sampleImages, List<PublicVariable> variables) {}

  /** @param total entries matching the filter, across all pages */
  public record FeedPage(List<FeedItem> items, long total) {}
}

package io.emprops.web.api;

import java.util.List;
import java.util.function.Function;

/** One page of a listing; {@code page} is 1-based as in the original API. */
public record PageResponse<T>(List<T> items, int page, int size, long total, int totalPages) {

  public static <T> PageResponse<T> of(List<T> items, int page, int size, long total) {
    int pages = size <= 0 ? (total == 0 ? 0 : 1) : (int) ((total + size - 1) / size);
    return new PageResponse<>(List.copyOf(items), page, size, total, pages);
  }

  public <R> PageResponse<R> map(Function<? super T, ? extends R> mapper) {
    return new PageResponse<>(
        items.stream().<R>map(mapper).toList(), page, size, total, totalPages);
  }
}

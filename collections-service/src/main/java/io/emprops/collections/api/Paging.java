package io.emprops.collections.api;

import io.emprops.web.api.ApiException;

/** 1-based pages as the original API has them. */
final class Paging {

  static final int MAX_PAGE_SIZE = 100;

  private Paging() {}

  static int offset(int page, int size) {
    long offset = (long) (page - 1) * size;
    if (offset > Integer.MAX_VALUE) {
      throw ApiException.invalid("page", "is too large");
    }
    return (int) offset;
  }
}

package io.emprops.collections.domain;

import io.emprops.web.api.ApiException;

/**
 * Optimistic locking as clients see it: a write may name the version it was based on (If-Match);
 * when that is no longer the current version, or when another write lands between our read and
 * our conditional UPDATE, the answer is 409 and nothing is written.
 */
final class Versions {

  private Versions() {}

  /** The version to make the conditional write against. */
  static long expect(Long clientVersion, long currentVersion, String what) {
    if (clientVersion != null && clientVersion != currentVersion) {
      throw ApiException.conflict(what + " is at version " + currentVersion + ", not " + clientVersion
          + "; reload it and try again");
    }
    return currentVersion;
  }

  static ApiException changedMeanwhile(String what) {
    return ApiException.conflict(what + " was changed by another request; reload it and try again");
  }
}

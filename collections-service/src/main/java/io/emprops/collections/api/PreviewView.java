package io.emprops.collections.api;

import io.emprops.collections.domain.PreviewSettings;

/** A collection's preview settings on the wire: exactly the two settings the owner controls. */
public record PreviewView(boolean enabled, boolean isRemixable) {

  static PreviewView of(PreviewSettings settings) {
    return new PreviewView(settings.enabled(), settings.isRemixable());
  }
}

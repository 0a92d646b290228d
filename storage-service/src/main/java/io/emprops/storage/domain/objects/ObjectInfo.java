package io.emprops.storage.domain.objects;

/** An object as its store describes it. */
public record ObjectInfo(String key, long size, String contentType, String cacheControl) {}

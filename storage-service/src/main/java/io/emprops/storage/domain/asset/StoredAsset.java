package io.emprops.storage.domain.asset;

/**
 * An asset with the addresses it is reachable at.
 *
 * @param url the object's durable URL at its store
 * @param cdnUrl the public CDN URL, null when no CDN base URL is configured
 */
public record StoredAsset(Asset asset, String url, String cdnUrl) {}

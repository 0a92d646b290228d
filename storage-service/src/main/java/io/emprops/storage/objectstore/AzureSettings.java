package io.emprops.storage.objectstore;

/**
 * Where and how to reach an Azure Blob Storage container.
 *
 * @param endpoint the account's blob service, {@code https://<account>.blob.core.windows.net}
 *     (Azurite: {@code http://127.0.0.1:10000/devstoreaccount1})
 * @param accountKey the account's shared key: signs requests and the download URLs (SAS)
 */
public record AzureSettings(String endpoint, String accountName, String accountKey, String container) {}

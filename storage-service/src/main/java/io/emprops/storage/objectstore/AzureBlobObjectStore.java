package io.emprops.storage.objectstore;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.emprops.storage.domain.objects.ObjectInfo;
import io.emprops.storage.domain.objects.ObjectStore;
import io.emprops.storage.domain.objects.ObjectStoreException;
import io.emprops.storage.domain.objects.ObjectWrite;
import io.emprops.storage.domain.objects.PartedUploads;
import io.emprops.storage.domain.objects.PartedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@link ObjectStore} on Azure Blob Storage (Azure SDK, on the JDK's HTTP client). Large objects
 * are staged as blocks and committed as a block list; blocks never committed are not a blob and
 * the service discards them (after a week), so a failed write leaves nothing visible.
 */
public final class AzureBlobObjectStore implements ObjectStore {

  private final BlobContainerClient container;
  private final PartedUploads uploads;

  public AzureBlobObjectStore(AzureSettings settings, PartedUploads uploads) {
    this.container = new BlobServiceClientBuilder()
        .endpoint(settings.endpoint())
        .credential(new StorageSharedKeyCredential(settings.accountName(), settings.accountKey()))
        .buildClient()
        .getBlobContainerClient(settings.container());
    this.uploads = uploads;
  }

  @Override
  public String provider() {
    return "azure";
  }

  @Override
  public long write(ObjectWrite object, InputStream content) throws IOException {
    return uploads.write(content, new BlockWriter(object));
  }

  @Override
  public Optional<ObjectInfo> find(String key) {
    try {
      BlobProperties properties = blob(key).getProperties();
      return Optional.of(new ObjectInfo(key, properties.getBlobSize(), properties.getContentType(),
          properties.getCacheControl()));
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw failed("GET properties", key, e);
    }
  }

  @Override
  public InputStream read(String key) {
    return call("GET", key, () -> blob(key).openInputStream());
  }

  @Override
  public void delete(String key) {
    // Uncommitted blocks of an unfinished write are not a blob; the service drops them.
    call("DELETE", key, () -> blob(key).deleteIfExists());
  }

  /** The container's URL and the key, its {@code /} kept as path separators (the SDK would encode them). */
  @Override
  public URI location(String key) {
    StringBuilder url = new StringBuilder(container.getBlobContainerUrl());
    for (String segment : key.split("/", -1)) {
      url.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return URI.create(url.toString());
  }

  @Override
  public URI presignedDownload(String key, String fileName, Duration validity) {
    BlockBlobClient blob = blob(key);
    BlobServiceSasSignatureValues sas = new BlobServiceSasSignatureValues(
        OffsetDateTime.now().plus(validity), new BlobSasPermission().setReadPermission(true))
        .setContentDisposition(ContentDisposition.attachment(fileName));
    return URI.create(location(key) + "?" + call("SAS", key, () -> blob.generateSas(sas)));
  }

  @Override
  public void checkReachable() {
    if (!call("GET container", "", container::exists)) {
      throw new ObjectStoreException("azure container " + container.getBlobContainerName() + " does not exist", null);
    }
  }

  /** Creates the container when missing (tests and local stacks; production containers are provisioned). */
  public void createContainerIfMissing() {
    call("CREATE container", "", container::createIfNotExists);
  }

  private BlockBlobClient blob(String key) {
    return container.getBlobClient(key).getBlockBlobClient();
  }

  private <T> T call(String operation, String key, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw failed(operation, key, e);
    }
  }

  private ObjectStoreException failed(String operation, String key, RuntimeException e) {
    return new ObjectStoreException("azure " + operation + " " + container.getBlobContainerName() + "/" + key
        + " failed: " + e.getMessage(), e);
  }

  /** One blob: a single upload, or staged blocks committed as a list. */
  private final class BlockWriter implements PartedWriter {

    private final ObjectWrite object;
    private final BlockBlobClient blob;
    private final BlobHttpHeaders headers;
    private final Map<Integer, String> blockIds = new TreeMap<>();

    BlockWriter(ObjectWrite object) {
      this.object = object;
      this.blob = blob(object.key());
      this.headers = new BlobHttpHeaders().setContentType(object.contentType()).setCacheControl(object.cacheControl());
    }

    @Override
    public void whole(ByteBuffer content) {
      call("PUT", object.key(), () -> blob.uploadWithResponse(
          new BlockBlobSimpleUploadOptions(BinaryData.fromByteBuffer(content)).setHeaders(headers), null, Context.NONE));
    }

    @Override
    public void begin() {
      // Blocks need no session: staging the first one starts the write.
    }

    @Override
    public void part(int number, ByteBuffer content) {
      // Block ids of one blob must all have the same length.
      String id = Base64.getEncoder().encodeToString("%08d".formatted(number).getBytes(StandardCharsets.US_ASCII));
      call("PUT block " + number, object.key(), () -> blob.stageBlockWithResponse(
          new BlockBlobStageBlockOptions(id, BinaryData.fromByteBuffer(content)), null, Context.NONE));
      synchronized (blockIds) {
        blockIds.put(number, id);
      }
    }

    @Override
    public void complete() {
      List<String> ids;
      synchronized (blockIds) {
        ids = List.copyOf(blockIds.values());
      }
      call("PUT block list", object.key(), () -> blob.commitBlockListWithResponse(
          new BlockBlobCommitBlockListOptions(ids).setHeaders(headers), null, Context.NONE));
    }

    @Override
    public void abort() {
      // Nothing was committed, so there is no blob; the staged blocks expire on their own.
    }
  }
}

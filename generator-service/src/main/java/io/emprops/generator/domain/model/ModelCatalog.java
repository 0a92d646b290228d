package io.emprops.generator.domain.model;

import io.emprops.generator.persistence.ModelRepository;
import io.emprops.web.api.ApiException;
import io.emprops.web.api.ApiResponse.FieldError;
import io.emprops.web.api.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The models registry. Credentials go in encrypted and never come out through the API. */
@Service
public class ModelCatalog {

  static final int MAX_BATCH = 100;

  private final ModelRepository models;
  private final ModelCredentials credentials;

  public ModelCatalog(ModelRepository models, ModelCredentials credentials) {
    this.models = models;
    this.credentials = credentials;
  }

  public List<Model> list() {
    return models.list();
  }

  /** The models of these names, and the names that are not models. */
  public Batch batch(List<String> names) {
    if (names == null || names.isEmpty() || names.size() > MAX_BATCH) {
      throw ApiException.invalid("names", "must list 1 to " + MAX_BATCH + " model names");
    }
    Set<String> wanted = new LinkedHashSet<>(names.stream().filter(Objects::nonNull).toList());
    List<Model> found = models.findByNames(wanted);
    found.forEach(m -> wanted.remove(m.name()));
    return new Batch(found, List.copyOf(wanted));
  }

  public record Batch(List<Model> models, List<String> missing) {}

  @Transactional
  public Model create(ModelDraft draft) {
    UUID id = UUID.randomUUID();
    Model model = validate(id, draft, null);
    byte[] sealed = draft.credential() == null || draft.credential().isEmpty() ? null
        : credentials.encrypt(id, draft.credential());
    if (!models.insert(model, sealed)) {
      throw ApiException.conflict("A model named " + model.name() + " exists");
    }
    return models.find(id).orElseThrow();
  }

  @Transactional
  public Model replace(UUID id, ModelDraft draft, Long expectedVersion) {
    Model current = models.find(id).orElseThrow(() -> ApiException.notFound("Model"));
    Model replacement = validate(id, draft, current);
    byte[] sealed = draft.credential() == null ? null
        : draft.credential().isEmpty() ? new byte[0] : credentials.encrypt(id, draft.credential());
    if (!replacement.name().equals(current.name()) && models.findByName(replacement.name()).isPresent()) {
      throw ApiException.conflict("A model named " + replacement.name() + " exists");
    }
    if (!models.update(replacement, sealed, expectedVersion == null ? current.version() : expectedVersion)) {
      throw ApiException.conflict("The model was changed by another request; reload it and try again");
    }
    return models.find(id).orElseThrow();
  }

  /**
   * Whether {@code name} can be used now: it exists, is enabled, and if gated its stored
   * credential decrypts with the configured key (a rotated key without re-encryption shows here).
   */
  @Transactional(readOnly = true)
  public AuthCheck validateAuth(String name) {
    if (name == null || name.isBlank()) {
      throw ApiException.invalid("model", "is required");
    }
    Model model = models.findByName(name).orElseThrow(() -> ApiException.notFound("Model " + name));
    if (!model.gated()) {
      return new AuthCheck(model.name(), false, false, model.enabled(), model.enabled() ? null : "model is disabled");
    }
    boolean readable = models.credential(model.id()).map(c -> {
      try {
        return !credentials.decrypt(model.id(), c).isEmpty();
      } catch (IllegalStateException e) {
        return false;
      }
    }).orElse(false);
    String problem = !model.hasCredential() ? "no credential configured for this gated model"
        : !readable ? "the stored credential does not decrypt with the configured key"
        : !model.enabled() ? "model is disabled" : null;
    return new AuthCheck(model.name(), true, model.hasCredential(), problem == null, problem);
  }

  /** @param usable whether a generation may use the model now */
  public record AuthCheck(String model, boolean gated, boolean credentialsConfigured, boolean usable, String problem) {}

  private static Model validate(UUID id, ModelDraft draft, Model current) {
    List<FieldError> errors = new ArrayList<>();
    if (draft.name() == null || !draft.name().matches("[A-Za-z0-9][A-Za-z0-9._/:+-]{0,199}")) {
      errors.add(new FieldError("name", "must be 1-200 letters, digits or . _ / : + -"));
    }
    if (draft.sourceUrl() != null && !draft.sourceUrl().matches("https?://\\S{1,2000}")) {
      errors.add(new FieldError("source_url", "must be an http(s) URL"));
    }
    boolean gated = draft.gated() == null ? current != null && current.gated() : draft.gated();
    if (!gated && draft.credential() != null && !draft.credential().isEmpty()) {
      errors.add(new FieldError("credential", "only gated models carry a credential"));
    }
    if (draft.credential() != null && draft.credential().length() > 8192) {
      errors.add(new FieldError("credential", "must be at most 8192 characters"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorCode.VALIDATION_FAILED, "Validation failed", errors);
    }
    return new Model(id, draft.name(), Objects.requireNonNullElse(draft.description(), ""), draft.sourceUrl(), gated,
        false, draft.enabled() == null || draft.enabled(), 0, null, null);
  }
}

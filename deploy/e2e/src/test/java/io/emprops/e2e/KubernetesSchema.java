package io.emprops.e2e;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Checks manifests against the Kubernetes API's schema, offline: each resource is read into the
 * fabric8 Kubernetes model (classes generated from the API's OpenAPI definitions) for its
 * {@code apiVersion} and {@code kind}. What the API server would refuse is reported: a kind or
 * {@code apiVersion} it does not serve, a field its schema lacks (misspelt, or at the wrong
 * level), a value of the wrong type (a string where an integer goes and the reverse: the model's
 * lenient coercions are switched off), a malformed quantity.
 *
 * <p>The model keeps fields it does not know in each object's {@code additionalProperties}
 * instead of failing, so the check walks every object for them. Custom resources (Strimzi's)
 * have no schema here: only the API groups named by the caller may pass unread.
 */
final class KubernetesSchema {

  private static final JsonMapper MAPPER = strictMapper();

  private KubernetesSchema() {
  }

  /** What the API server's schema validation would refuse in this resource; empty when none. */
  static List<String> violations(Map<String, Object> resource, Set<String> customApiGroups) {
    String where = resource.get("kind") + " " + ((Map<?, ?>) resource.getOrDefault("metadata", Map.of())).get("name");
    KubernetesResource read;
    try {
      read = MAPPER.convertValue(resource, KubernetesResource.class);
    } catch (RuntimeException e) { // what does not fit the kind's types
      return List.of(where + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (read instanceof GenericKubernetesResource generic) {
      String group = generic.getApiVersion().contains("/") ? generic.getApiVersion().split("/")[0] : "";
      return customApiGroups.contains(group) ? List.of()
          : List.of(where + ": " + generic.getApiVersion() + " " + generic.getKind() + " is not a kind the Kubernetes API serves");
    }
    List<String> violations = new ArrayList<>();
    walk(read, where, violations);
    return violations;
  }

  private static void walk(Object node, String path, List<String> violations) {
    switch (node) {
      case null -> { }
      case Collection<?> items -> {
        int index = 0;
        for (Object item : items) {
          walk(item, path + "[" + index++ + "]", violations);
        }
      }
      case Map<?, ?> entries -> entries.forEach((key, value) -> walk(value, path + "." + key, violations));
      case Quantity quantity -> {
        try {
          quantity.getNumericalAmount();
        } catch (RuntimeException e) {
          violations.add(path + ": '" + quantity + "' is not a quantity");
        }
      }
      default -> {
        if (node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
          walkFields(node, path, violations);
        }
      }
    }
  }

  private static void walkFields(Object node, String path, List<String> violations) {
    for (Class<?> type = node.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        Object value = read(field, node);
        if (field.getName().equals("additionalProperties")) {
          ((Map<?, ?>) value).keySet().forEach(unknown -> violations.add(
              path + "." + unknown + ": no such field in " + node.getClass().getSimpleName()));
        } else {
          JsonProperty property = field.getAnnotation(JsonProperty.class);
          walk(value, path + "." + (property != null ? property.value() : field.getName()), violations);
        }
      }
    }
  }

  private static Object read(Field field, Object node) {
    try {
      field.setAccessible(true);
      return field.get(node);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Jackson reads "2" as 2 and 2 as "2"; the API server refuses both. */
  private static JsonMapper strictMapper() {
    JsonMapper.Builder mapper = JsonMapper.builder()
        .addModule(new SimpleModule().addDeserializer(KubernetesResource.class, new KubernetesDeserializer()));
    for (LogicalType scalar : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      mapper.withCoercionConfig(scalar, config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail));
    }
    for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      mapper.withCoercionConfig(LogicalType.Textual, config -> config.setCoercion(shape, CoercionAction.Fail));
    }
    return mapper.build();
  }
}

package io.emprops.web.input;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * One rule for what request JSON means, for every service and the gateway: a value is taken as
 * the type it was sent as, never converted. A fraction is no integer ({@code 1.5} for a count),
 * a string is no number or boolean ({@code "5"}, {@code "true"}), a number or boolean is no
 * string ({@code "name": 123}), {@code null} is no primitive, a number is no enum, and a body
 * ends where its JSON value ends. Dates must lie in {@link TemporalRange}. Each refusal becomes
 * a 400 naming the field (the services' error mapping reads Jackson's path).
 */
public final class StrictJson {

  private StrictJson() {}

  public static JsonMapper.Builder apply(JsonMapper.Builder builder) {
    return builder
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .withCoercionConfig(LogicalType.Textual, config -> config
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .addModule(new SimpleModule("emprops-temporal-range").setDeserializerModifier(new TemporalRangeCheck()));
  }

  /** Wraps every java.time deserializer with the range check. */
  private static final class TemporalRangeCheck extends ValueDeserializerModifier {
    @Override
    public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config,
        BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
      return TemporalRange.isTemporal(description.getBeanClass())
          ? new RangeChecked(deserializer) : deserializer;
    }
  }

  private static final class RangeChecked extends DelegatingDeserializer {
    RangeChecked(ValueDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
      return new RangeChecked(delegate);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context) {
      Object value = super.deserialize(parser, context);
      if (!TemporalRange.isInRange(value)) {
        throw InvalidFormatException.from(parser, "date " + TemporalRange.RULE, value, handledType());
      }
      return value;
    }
  }
}

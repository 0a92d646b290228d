package io.emprops.web.api;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an {@value #HEADER} header may hold, the same for every service: 1 to 200 printable ASCII
 * characters. Each rule it breaks is reported on its own, as its own constraint would be:
 * <pre>{@code @RequestHeader(name = IdempotencyKey.HEADER, required = false) @IdempotencyKey String idempotencyKey}</pre>
 */
@Documented
@Constraint(validatedBy = {})
@Size(min = 1, max = 200)
@Pattern(regexp = "[\\x21-\\x7e]+", message = "must be printable ASCII")
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
public @interface IdempotencyKey {

  String HEADER = "Idempotency-Key";

  String message() default "must be 1 to 200 printable ASCII characters";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}

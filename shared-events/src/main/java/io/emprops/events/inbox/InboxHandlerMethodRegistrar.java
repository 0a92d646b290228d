package io.emprops.events.inbox;

import io.emprops.events.contract.DomainEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/** Registers the {@link InboxHandler} methods of every bean with {@link InboxHandlers}. */
public class InboxHandlerMethodRegistrar implements BeanPostProcessor {

  private final InboxHandlers handlers;

  public InboxHandlerMethodRegistrar(InboxHandlers handlers) {
    this.handlers = handlers;
  }

  public InboxHandlers handlers() {
    return handlers;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> targetClass = AopUtils.getTargetClass(bean);
    Map<Method, InboxHandler> annotated = MethodIntrospector.selectMethods(targetClass,
        (MethodIntrospector.MetadataLookup<InboxHandler>) method ->
            AnnotatedElementUtils.findMergedAnnotation(method, InboxHandler.class));
    annotated.forEach((method, annotation) -> register(bean, beanName, method, annotation.value()));
    return bean;
  }

  @SuppressWarnings("unchecked")
  private void register(Object bean, String beanName, Method method, String consumer) {
    Class<?>[] parameters = method.getParameterTypes();
    boolean takesMetadata = parameters.length == 2 && parameters[1] == EventMetadata.class;
    if (!(parameters.length == 1 || takesMetadata) || !DomainEvent.class.isAssignableFrom(parameters[0])) {
      throw new IllegalStateException("@InboxHandler " + beanName + "." + method.getName()
          + " must take (<event record>) or (<event record>, EventMetadata)");
    }
    Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
    invocable.setAccessible(true);
    handlers.register(consumer, (Class<DomainEvent>) parameters[0], (event, metadata) -> {
      try {
        if (takesMetadata) {
          invocable.invoke(bean, event, metadata);
        } else {
          invocable.invoke(bean, event);
        }
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw (Exception) e.getCause();
      }
    });
  }
}

package dev.pretext.core.plugins;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import java.util.Collection;

/**
 * Reads why a Declarative Services component failed from SCR's runtime DTOs. The DS API lives in a bundle,
 * not on the host class path, so it is reached by reflection through that bundle's own class loader.
 */
final class ComponentFailures {
    private static final String RUNTIME = "org.osgi.service.component.runtime.ServiceComponentRuntime";

    private ComponentFailures() {
    }

    /** The root cause of the component's last failed activation, in one line, or null if SCR does not say. */
    static String cause(BundleContext context, Bundle bundle, String componentName) {
        if (componentName == null) {
            return null;
        }
        ServiceReference<?> ref = context.getServiceReference(RUNTIME);
        if (ref == null) {
            return null;
        }
        Object scr = context.getService(ref);
        try {
            Class<?> api = ref.getBundle().loadClass(RUNTIME);
            Object description = api.getMethod("getComponentDescriptionDTO", Bundle.class, String.class)
                    .invoke(scr, bundle, componentName);
            if (description == null) {
                return null;
            }
            Class<?> dto = ref.getBundle().loadClass("org.osgi.service.component.runtime.dto.ComponentDescriptionDTO");
            Collection<?> configurations = (Collection<?>) api.getMethod("getComponentConfigurationDTOs", dto)
                    .invoke(scr, description);
            for (Object configuration : configurations) {
                Object failure = configuration.getClass().getField("failure").get(configuration);
                if (failure != null) {
                    return rootCause(failure.toString());
                }
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        } finally {
            context.ungetService(ref);
        }
    }

    /** The innermost "Caused by:" of a printed stack trace (the exception a plugin author threw), else its first line. */
    static String rootCause(String trace) {
        String cause = null;
        for (String line : trace.split("\\R", -1)) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        if (cause == null) {
            cause = trace.lines().findFirst().orElse(trace);
        }
        cause = cause.strip();
        // "java.lang.IllegalStateException: x" -> "IllegalStateException: x", as the registry's other causes read.
        int colon = cause.indexOf(": ");
        String type = colon < 0 ? cause : cause.substring(0, colon);
        if (!type.contains(" ") && type.contains(".")) {
            cause = cause.substring(type.lastIndexOf('.') + 1);
        }
        return cause;
    }
}

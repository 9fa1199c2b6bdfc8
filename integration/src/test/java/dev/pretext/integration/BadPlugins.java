package dev.pretext.integration;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Real plugin jars that fail in the ways third-party plugins do: compiled here with the JDK's compiler against
 * the api on the test class path, with hand-written OSGi manifests and DS descriptors (what bnd would write).
 */
final class BadPlugins {
    private BadPlugins() {
    }

    /** A bundle with one good objective, one whose description() throws and one whose configType() throws. */
    static final Map<String, String> FACTORY_SOURCES = new LinkedHashMap<>();
    /** A bundle whose single component's constructor throws. */
    static final String CTOR_THROWS = """
            package example.ctor;
            public final class CtorThrowsPlugin implements dev.pretext.api.PluginFactory<Object, Object> {
                public CtorThrowsPlugin() { throw new IllegalStateException("no licence file in /etc/example"); }
                public Class<Object> configType() { return Object.class; }
                public Class<Object> implementationType() { return Object.class; }
            }
            """;
    static final String ACTIVATOR_THROWS = """
            package example.activator;
            public final class Activator implements org.osgi.framework.BundleActivator {
                public void start(org.osgi.framework.BundleContext c) {
                    throw new IllegalStateException("activator needs EXAMPLE_HOME");
                }
                public void stop(org.osgi.framework.BundleContext c) { }
            }
            """;

    static {
        FACTORY_SOURCES.put("example.factories.FinePlugin", """
                package example.factories;
                public final class FinePlugin implements dev.pretext.api.PluginFactory<Object, Object> {
                    public Class<Object> configType() { return Object.class; }
                    public Class<Object> implementationType() { return Object.class; }
                    public String description() { return "a healthy plugin beside broken ones"; }
                }
                """);
        FACTORY_SOURCES.put("example.factories.DescriptionThrowsPlugin", """
                package example.factories;
                public final class DescriptionThrowsPlugin implements dev.pretext.api.PluginFactory<Object, Object> {
                    public Class<Object> configType() { return Object.class; }
                    public Class<Object> implementationType() { return Object.class; }
                    public String description() { throw new UnsupportedOperationException("no description yet"); }
                }
                """);
        FACTORY_SOURCES.put("example.factories.ConfigTypeThrowsPlugin", """
                package example.factories;
                public final class ConfigTypeThrowsPlugin implements dev.pretext.api.PluginFactory<Object, Object> {
                    public Class<Object> configType() { throw new IllegalStateException("config class missing"); }
                    public Class<Object> implementationType() { return Object.class; }
                }
                """);
    }

    /** Writes all five kinds of bad jar into the folder; returns their file names. */
    static List<String> writeAll(Path plugins, Path work) throws IOException {
        Map<String, String> factories = new LinkedHashMap<>();
        factories.put("example.factories.FinePlugin", "fine");
        factories.put("example.factories.DescriptionThrowsPlugin", "nodescription");
        factories.put("example.factories.ConfigTypeThrowsPlugin", "noconfig");
        dsBundle(plugins.resolve("example-factories.jar"), work.resolve("factories"), "example.factories",
                FACTORY_SOURCES, factories);
        dsBundle(plugins.resolve("example-ctor.jar"), work.resolve("ctor"), "example.ctor",
                Map.of("example.ctor.CtorThrowsPlugin", CTOR_THROWS), Map.of("example.ctor.CtorThrowsPlugin", "ctorthrows"));
        activatorBundle(plugins.resolve("example-activator.jar"), work.resolve("activator"));
        notABundle(plugins.resolve("plain-library.jar"));
        randomBytes(plugins.resolve("truncated-download.jar"));
        return List.of("example-factories.jar", "example-ctor.jar", "example-activator.jar", "plain-library.jar",
                "truncated-download.jar");
    }

    /** A bundle registering one objective-kind DS component per class (class name to plugin type). */
    static void dsBundle(Path jar, Path work, String symbolicName, Map<String, String> sources,
                         Map<String, String> types) throws IOException {
        Path classes = compile(work, sources);
        Manifest mf = manifest(symbolicName);
        List<String> descriptors = new ArrayList<>();
        Map<String, byte[]> extra = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : types.entrySet()) {
            String name = "OSGI-INF/" + e.getKey() + ".xml";
            descriptors.add(name);
            extra.put(name, """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%1$s">
                      <property name="plugin.kind" type="String" value="objective"/>
                      <property name="plugin.type" type="String" value="%2$s"/>
                      <service><provide interface="dev.pretext.api.PluginFactory"/></service>
                      <implementation class="%1$s"/>
                    </scr:component>
                    """.formatted(e.getKey(), e.getValue()).getBytes(StandardCharsets.UTF_8));
        }
        mf.getMainAttributes().putValue("Import-Package", "dev.pretext.api;version=\"[1.0,2)\"");
        mf.getMainAttributes().putValue("Service-Component", String.join(",", descriptors));
        write(jar, mf, classes, extra);
    }

    static void activatorBundle(Path jar, Path work) throws IOException {
        Path classes = compile(work, Map.of("example.activator.Activator", ACTIVATOR_THROWS));
        Manifest mf = manifest("example.activator");
        mf.getMainAttributes().putValue("Import-Package", "org.osgi.framework");
        mf.getMainAttributes().putValue("Bundle-Activator", "example.activator.Activator");
        write(jar, mf, classes, Map.of());
    }

    /** A plain library jar: a manifest without OSGi headers. */
    static void notABundle(Path jar) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        write(jar, mf, null, Map.of("README.txt", "a library, not a plugin".getBytes(StandardCharsets.UTF_8)));
    }

    /** Bytes that are not a zip at all (a truncated or mis-named download). */
    static void randomBytes(Path jar) throws IOException {
        byte[] bytes = new byte[4096];
        new Random(11).nextBytes(bytes);
        Files.write(jar, bytes);
    }

    private static Manifest manifest(String symbolicName) {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", "0.1.0");
        return mf;
    }

    private static Path compile(Path work, Map<String, String> sources) throws IOException {
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path")));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test plugin did not compile:\n" + errors);
        }
        return classes;
    }

    private static void write(Path jar, Manifest mf, Path classes, Map<String, byte[]> extra) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            if (classes != null) {
                try (var walk = Files.walk(classes)) {
                    for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                        out.write(Files.readAllBytes(p));
                        out.closeEntry();
                    }
                }
            }
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }
}

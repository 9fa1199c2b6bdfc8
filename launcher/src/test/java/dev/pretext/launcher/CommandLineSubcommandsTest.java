package dev.pretext.launcher;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line gets only the subcommand it names (start-up), and every one otherwise. */
class CommandLineSubcommandsTest {
    @Test
    void theSubcommandIsTheFirstArgumentThatIsNotAnInheritedOption() {
        assertEquals("plugins", Main.subcommandArgument("plugins", "--json"));
        assertEquals("train", Main.subcommandArgument("--plugins", "p", "--cache", "c", "train", "r.yaml"));
        assertEquals("recipe", Main.subcommandArgument("--cache=c", "--plugins=p", "recipe", "check"));
        assertEquals("--help", Main.subcommandArgument("--help"));
        assertNull(Main.subcommandArgument("--plugins", "p"));
        assertNull(Main.subcommandArgument());
    }

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        assertEquals(Set.of("plugins"), Main.commandLine("plugins").getSubcommands().keySet());
        assertEquals(Set.of("recipe"), Main.commandLine("--plugins", "p", "recipe", "check", "x").getSubcommands()
                .keySet());
        assertEquals(Set.of("check"), Main.commandLine("recipe").getSubcommands().get("recipe").getSubcommands()
                .keySet());
    }

    @Test
    void anythingElseGetsEverySubcommand() {
        for (String[] args : new String[][]{{}, {"--help"}, {"help", "plugins"}, {"plugin"}, {"--version"}}) {
            assertEquals(Main.SUBCOMMANDS.size(), Main.commandLine(args).getSubcommands().size());
        }
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[]{String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void usageStillListsEveryCommandAndMistakesStillGetSuggestions() {
        String[] help = run("--help");
        assertEquals("0", help[0]);
        for (Class<?> c : Main.SUBCOMMANDS) {
            String name = c.getAnnotation(CommandLine.Command.class).name();
            assertTrue(help[1].contains("\n  " + name + " "), name + " missing from:\n" + help[1]);
        }
        String[] typo = run("plugin");
        assertEquals("2", typo[0]);
        assertTrue(typo[2].contains("Did you mean: pretext plugins"), typo[2]);
        String[] sub = run("plugins", "--help");
        assertEquals("0", sub[0]);
        assertTrue(sub[1].startsWith("Usage: pretext plugins"), sub[1]);
        String[] helpCommand = run("help", "budget");
        assertEquals("0", helpCommand[0]);
        assertTrue(helpCommand[1].startsWith("Usage: pretext budget"), helpCommand[1]);
    }
}

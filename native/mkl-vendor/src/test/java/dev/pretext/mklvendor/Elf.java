package dev.pretext.mklvendor;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests need from a 64-bit little-endian ELF shared library, read without binutils (which a user's machine
 * need not have): its machine, its dynamic symbols, the symbols its PLT jumps through, and the symbol versions it
 * needs.
 */
record Elf(int machine, List<Symbol> dynamicSymbols, List<String> jumpSlots, List<String> neededVersions) {
    static final int X86_64 = 62;
    private static final int SHT_RELA = 4;
    private static final int SHT_DYNSYM = 11;
    private static final int SHT_GNU_VERNEED = 0x6ffffffe;
    private static final int R_X86_64_JUMP_SLOT = 7;

    /** bind: 0 local, 1 global, 2 weak; type: 2 function; defined: not in the undefined section. */
    record Symbol(String name, int bind, int type, boolean defined) {
    }

    static Elf read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            b.order(ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
                throw new IOException(file + " is not a 64-bit little-endian ELF file");
            }
            int machine = Short.toUnsignedInt(b.getShort(18));
            long shoff = b.getLong(0x28);
            int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
            int shnum = Short.toUnsignedInt(b.getShort(0x3c));
            List<Symbol> symbols = new ArrayList<>();
            List<String> jumpSlots = new ArrayList<>();
            List<String> versions = new ArrayList<>();
            int dynsym = -1;
            for (int i = 0; i < shnum; i++) {
                if (b.getInt(section(shoff, shentsize, i) + 4) == SHT_DYNSYM) {
                    dynsym = i;
                }
            }
            if (dynsym >= 0) {
                int at = section(shoff, shentsize, dynsym);
                int strtab = section(shoff, shentsize, b.getInt(at + 40));
                int strOff = (int) b.getLong(strtab + 24);
                int off = (int) b.getLong(at + 24);
                int count = (int) (b.getLong(at + 32) / 24);
                for (int s = 1; s < count; s++) {
                    int e = off + 24 * s;
                    int info = Byte.toUnsignedInt(b.get(e + 4));
                    symbols.add(new Symbol(string(b, strOff + b.getInt(e)), info >> 4, info & 0xf,
                            b.getShort(e + 6) != 0));
                }
            }
            for (int i = 0; i < shnum; i++) {
                int at = section(shoff, shentsize, i);
                int type = b.getInt(at + 4);
                if (type == SHT_RELA && b.getInt(at + 40) == dynsym) {
                    int off = (int) b.getLong(at + 24);
                    long count = b.getLong(at + 32) / 24;
                    for (long r = 0; r < count; r++) {
                        long info = b.getLong((int) (off + 24 * r + 8));
                        int sym = (int) (info >>> 32);
                        if ((int) info == R_X86_64_JUMP_SLOT && sym > 0) {
                            jumpSlots.add(symbols.get(sym - 1).name());
                        }
                    }
                } else if (type == SHT_GNU_VERNEED) {
                    int strOff = (int) b.getLong(section(shoff, shentsize, b.getInt(at + 40)) + 24);
                    int need = (int) b.getLong(at + 24);
                    for (int n = 0; n < b.getInt(at + 44); n++) {
                        int aux = need + b.getInt(need + 8);
                        for (int a = 0; a < Short.toUnsignedInt(b.getShort(need + 2)); a++) {
                            versions.add(string(b, strOff + b.getInt(aux + 8)));
                            aux += b.getInt(aux + 12);
                        }
                        need += b.getInt(need + 12);
                    }
                }
            }
            return new Elf(machine, symbols, jumpSlots, versions);
        }
    }

    private static int section(long shoff, int shentsize, int index) {
        return (int) (shoff + (long) shentsize * index);
    }

    private static String string(MappedByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Names of the global or weak functions and objects this library defines. */
    List<String> exported() {
        return dynamicSymbols.stream().filter(s -> s.defined() && s.bind() != 0).map(Symbol::name).toList();
    }

    /** Names of the symbols it needs from elsewhere and cannot do without (weak ones excluded). */
    List<String> required() {
        return dynamicSymbols.stream().filter(s -> !s.defined() && s.bind() == 1).map(Symbol::name).toList();
    }
}

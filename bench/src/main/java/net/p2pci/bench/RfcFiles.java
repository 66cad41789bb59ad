package net.p2pci.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generated RFC files for the peer scenarios: a cover page in the layout of real RFCs (so the peer reads a
 * title from it) and filler text up to the size wanted.
 */
final class RfcFiles {
    /** RFC text is set in 72 columns; titles are centred in them. */
    private static final int PAGE_WIDTH = 72;
    private static final String FILLER_LINE =
            "   This paragraph is filler generated for a benchmark; it reads like RFC text and means nothing.\n";
    private static final int WRITE_CHUNK_BYTES = 1 << 20;

    private RfcFiles() {
    }

    /** The title generated RFC {@code number} carries. */
    static String titleOf(int number) {
        return "Generated Benchmark Document " + number;
    }

    static Path fileName(Path directory, int number) {
        return directory.resolve("rfc" + number + ".txt");
    }

    /** Writes RFC {@code number} into {@code directory}, its cover page followed by filler to {@code size} bytes. */
    static Path write(Path directory, int number, long size) throws IOException {
        Path file = fileName(directory, number);
        byte[] cover = cover(number).getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = filler(WRITE_CHUNK_BYTES);
        try (OutputStream out = Files.newOutputStream(file)) {
            long left = size;
            out.write(cover, 0, (int) Math.min(cover.length, left));
            left -= Math.min(cover.length, left);
            while (left > 0) {
                int length = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, length);
                left -= length;
            }
        }
        return file;
    }

    /** Writes a small RFC file (cover page and a few lines) for each number from 1 to {@code count}. */
    static void writeMany(Path directory, int count) throws IOException {
        for (int number = 1; number <= count; number++) {
            try (BufferedWriter out = Files.newBufferedWriter(fileName(directory, number), StandardCharsets.US_ASCII)) {
                out.write(cover(number));
                out.write(FILLER_LINE.repeat(8));
            }
        }
    }

    private static String cover(int number) {
        String left = "Request for Comments: " + number;
        String right = "P2P-CI Benchmark";
        String title = titleOf(number);
        return "Network Working Group" + " ".repeat(PAGE_WIDTH - 21 - 9) + "B. Marker\n"
                + left + " ".repeat(Math.max(1, PAGE_WIDTH - left.length() - right.length())) + right + "\n"
                + "Category: Informational" + " ".repeat(PAGE_WIDTH - 23 - 13) + "November 2026\n"
                + "\n\n"
                + " ".repeat((PAGE_WIDTH - title.length()) / 2) + title + "\n"
                + "\n"
                + "Status of This Memo\n\n"
                + "   This memo provides information for the Internet community.\n\n";
    }

    private static byte[] filler(int bytes) {
        StringBuilder text = new StringBuilder(bytes + FILLER_LINE.length());
        while (text.length() < bytes) {
            text.append(FILLER_LINE);
        }
        return text.substring(0, bytes).getBytes(StandardCharsets.US_ASCII);
    }
}

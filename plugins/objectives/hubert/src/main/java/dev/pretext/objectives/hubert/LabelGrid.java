package dev.pretext.objectives.hubert;

/**
 * Maps the frames of a batch row onto an utterance's labels when labels and frames come at rates that differ by an
 * integer factor: {@code labelsPerFrame} labels per frame (100 Hz labels, 50 Hz frames: every other label, as
 * fairseq does) or {@code framesPerLabel} frames per label (50 Hz labels, 100 Hz frames: each label twice).
 */
record LabelGrid(double labelRate, double frameRate, int labelsPerFrame, int framesPerLabel) {
    private static final double SLACK = 1e-6;

    /** @throws IllegalArgumentException when neither rate is an integer multiple of the other */
    static LabelGrid of(double labelRate, double frameRate) {
        double up = labelRate / frameRate;
        double down = frameRate / labelRate;
        if (up >= 1 - SLACK && Math.abs(up - Math.rint(up)) < SLACK * up) {
            return new LabelGrid(labelRate, frameRate, (int) Math.rint(up), 1);
        }
        if (down >= 1 - SLACK && Math.abs(down - Math.rint(down)) < SLACK * down) {
            return new LabelGrid(labelRate, frameRate, 1, (int) Math.rint(down));
        }
        throw new IllegalArgumentException("labels at " + fmt(labelRate) + " Hz cannot feed a frontend at "
                + fmt(frameRate) + " Hz: the rates must differ by an integer factor (100 Hz MFCC labels fit "
                + "frontends at 100, 50 or 25 Hz, e.g. fbank, fbank with stack: 2, waveform-cnn); make targets at a "
                + "rate that fits or change the frontend");
    }

    private static String fmt(double hz) {
        return hz == Math.rint(hz) ? String.valueOf((long) hz) : String.valueOf(hz);
    }

    /** The label index behind frame {@code t} of a row whose audio starts {@code startSeconds} into the utterance. */
    int labelIndex(double startSeconds, int t) {
        if (framesPerLabel == 1) {
            return (int) Math.round(startSeconds * labelRate) + t * labelsPerFrame;
        }
        return ((int) Math.round(startSeconds * frameRate) + t) / framesPerLabel;
    }

    /** How many frames {@code labels} labels cover. */
    double framesCovered(int labels) {
        return labels * frameRate / labelRate;
    }
}

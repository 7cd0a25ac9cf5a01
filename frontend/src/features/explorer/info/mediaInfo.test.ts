import { describe, expect, it } from "vitest";
import {
  awaitingMedia,
  bitrate,
  codec,
  duration,
  isSong,
  musicInfo,
  sampleRate,
  streamInfo,
} from "./mediaInfo";

describe("music tags", () => {
  it("reads the tags present, the duration as a clock", () => {
    const music = musicInfo({
      "music:title": "Tone",
      "music:artist": " Test Artist ",
      "music:year": "2024",
      "music:track": "3",
      "music:duration": "187.300",
      "exif:f": "2.8",
    });
    expect(music).toEqual({
      title: "Tone",
      artist: "Test Artist",
      year: "2024",
      track: "3",
      duration: "3:07",
    });
  });

  it("is null without music keys", () => {
    expect(musicInfo({ "exif:f": "2.8", "music:title": " " })).toBeNull();
    expect(musicInfo(undefined)).toBeNull();
  });
});

describe("streams", () => {
  it("reads the container and its video and audio streams", () => {
    const info = streamInfo({
      "stream:format": "mov,mp4,m4a,3gp,3g2,mj2",
      "stream:duration": "3723.4",
      "stream:bitrate": "2500000",
      "stream:streams": JSON.stringify([
        { index: 0, codec_type: "video", codec_name: "h264", width: 320, height: 240 },
        {
          index: 1,
          codec_type: "audio",
          codec_name: "aac",
          sample_rate: "44100",
          channels: 2,
          bit_rate: "128000",
        },
        { index: 2, codec_type: "data", codec_name: "bin_data" },
      ]),
    });
    expect(info).toEqual({
      duration: "1:02:03",
      bitrate: "2.5 Mb/s",
      streams: [
        { type: "video", codec: "H.264", resolution: "320 × 240" },
        { type: "audio", codec: "AAC", rate: "44.1 kHz", channels: 2, bitrate: "128 kb/s" },
      ],
    });
  });

  it("leaves a song's cover picture out of its streams", () => {
    const metadata = {
      "stream:streams": JSON.stringify([
        { codec_type: "audio", codec_name: "mp3", channels: 1 },
        { codec_type: "video", codec_name: "png", width: 64, height: 64 },
      ]),
    };
    expect(streamInfo(metadata, true)?.streams).toEqual([
      { type: "audio", codec: "MP3", channels: 1 },
    ]);
    expect(streamInfo(metadata)?.streams).toHaveLength(2);
    expect(isSong("Song.FLAC")).toBe(true);
    expect(isSong("clip.mp4")).toBe(false);
  });

  it("skips streams it cannot read, and is null with nothing", () => {
    expect(streamInfo({ "stream:streams": "not json" })).toBeNull();
    expect(streamInfo({ "stream:streams": "{}", "stream:duration": "0" })).toBeNull();
  });
});

describe("formats", () => {
  it("formats durations, bitrates, rates and codecs", () => {
    expect(duration("59.6")).toBe("1:00");
    expect(duration("abc")).toBeUndefined();
    expect(bitrate("999")).toBe("1 kb/s");
    expect(bitrate("1000000")).toBe("1 Mb/s");
    expect(sampleRate("48000")).toBe("48 kHz");
    expect(codec("hevc")).toBe("H.265 (HEVC)");
    expect(codec("pcm_s16le")).toBe("PCM");
    expect(codec("wmav2")).toBe("WMAV2");
  });
});

describe("waiting for the metadata", () => {
  const now = Date.parse("2026-11-26T10:00:30Z");
  const at = "2026-11-26T10:00:00Z";
  it("waits for a song or video without keys yet, for a bounded time", () => {
    expect(awaitingMedia({ name: "a.mp3", updated_at: at }, now, 60_000)).toBe(true);
    expect(awaitingMedia({ name: "a.mp4", updated_at: at }, now, 10_000)).toBe(false);
    expect(awaitingMedia({ name: "a.txt", updated_at: at }, now, 60_000)).toBe(false);
    const tagged = { name: "a.mp3", updated_at: at, metadata: { "music:title": "A" } };
    expect(awaitingMedia(tagged, now, 60_000)).toBe(false);
  });
});

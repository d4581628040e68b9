-- Subtitles per library: the languages yt-dlp fetches and whether automatic captions are taken. NULL follows Hub's
-- setting (Hub:Subtitles:Languages, Hub:Subtitles:AutomaticCaptions); an empty array fetches none for that library.
ALTER TABLE libraries
    ADD COLUMN subtitle_languages  text[],
    ADD COLUMN automatic_captions  boolean;

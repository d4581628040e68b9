namespace Hub.Bot.Menus;

/// <summary>
/// What went wrong, in the words of the person who asked: what happened and what they can do. The technical detail
/// (setting names, tool output, internal file names) is for admins only, who get it below the plain words.
/// </summary>
public static class UserErrors
{
    public static string Describe(string? kind, string? technical, bool isAdmin)
    {
        var plain = kind switch
        {
            "invalid-url" or "unsupported-url" or "blocked-scheme" or "validation" => "That isn't a link I can import. Check it and send it again.",
            "blocked-address" => "That link points into a private network, which this Hub does not fetch from.",
            "too-many-redirects" => "That link kept redirecting and never reached a file.",
            "not-media" or "unsupported-content" => "That isn't a video or audio file I can play. Send a video, an audio file, or a link to one.",
            "too-large" => "That file is larger than this Hub accepts.",
            "unavailable" or "private" => "The site says this isn't available (private, removed or restricted).",
            "format-unavailable" => "The format you picked isn't offered for this one. Try “Best video” or “Best audio”.",
            "empty-playlist" => "That playlist is empty.",
            "children-failed" => "None of the items could be imported.",
            "no-library" => isAdmin ? "There is no library to put it in: create one in the admin page." : "There is no library to put it in yet.",
            "upload-missing" => "The file went missing before it could be imported. Please send it again.",
            "http-404" or "http-410" => "The site says there is no such file (it may have moved or been removed). Check the link.",
            "http-401" or "http-403" => "The site refuses to hand that file over (it may need a sign-in).",
            "dns" => "I couldn't find that site. Check the address.",
            "timeout" or "network" or "http-408" or "http-5xx" => "The site did not answer properly. Try again later.",
            "http-429" => "The site asks to slow down. Try again in a while.",
            "disk-full" or "disk" => "Hub's disk is full.",
            _ => "The import failed.",
        };
        if (isAdmin)
        {
            return string.IsNullOrWhiteSpace(technical) ? plain : plain + "\nDetail: " + Texts.Trim(technical, 400);
        }
        return kind is "blocked-address" or "no-library" or "disk-full" or "disk" or null or "" || plain == "The import failed."
            ? plain + " If it keeps happening, tell an admin."
            : plain;
    }
}

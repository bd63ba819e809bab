from django.http import FileResponse, Http404

from disclosure.models import Attachment


def file_response(stored) -> FileResponse:
    """Always a download, under its original (Chinese) name, never sniffed into something else.
    `stored` is any model with `file`, `original_name` and `content_type`."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name,
                            content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_response(attachment: Attachment) -> FileResponse:
    return file_response(attachment)

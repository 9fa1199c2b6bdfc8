package dev.pretext.server;

import java.util.List;
import java.util.Map;

/**
 * A request the server refuses, with the one error shape every endpoint answers in:
 * {@code {"error": {"status": 400, "code": "invalid_recipe", "message": "...", "problems": [...]}}}.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final List<Map<String, Object>> problems;

    public ApiError(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    public ApiError(int status, String code, String message, List<Map<String, Object>> problems) {
        super(message);
        this.status = status;
        this.code = code;
        this.problems = List.copyOf(problems);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<Map<String, Object>> problems() {
        return problems;
    }

    static ApiError notFound(String what) {
        return new ApiError(404, "not_found", what);
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }
}
